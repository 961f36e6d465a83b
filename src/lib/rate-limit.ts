/**
 * Abuse limits on logins and password checks: attempts per client address and per account, in a
 * fixed window. On Workers each limiter is a Rate Limiting binding (`[[ratelimits]]` in
 * wrangler.toml, counted by Cloudflare across isolates); on Node the in-memory limiter below, with
 * the same `limit({ key })` shape. Going over answers 429 TOO_MANY_ATTEMPTS with Retry-After; nothing
 * is locked, so someone who knows an email can delay that person by a minute at most, not lock her out.
 */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface LoginLimits {
  byAddress: RateLimiter;
  byAccount: RateLimiter;
  /** The window, in seconds: what Retry-After says. */
  periodSeconds: number;
}

/** The defaults, the same on both runtimes (wrangler.toml's [[ratelimits]] say the same). */
export const LOGIN_LIMITS = { perAddress: 30, perAccount: 10, periodSeconds: 60 };

/** Node: counts per key in fixed windows of `periodSeconds`, in this process; old windows are dropped as it goes. */
export function memoryRateLimiter(limit: number, periodSeconds: number, now: () => number = () => Date.now()): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const periodMs = periodSeconds * 1000;
  return {
    async limit({ key }) {
      const t = now();
      const start = t - (t % periodMs);
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.start < start) windows.delete(k);
      const w = windows.get(key);
      if (!w || w.start !== start) {
        windows.set(key, { start, count: 1 });
        return { success: limit >= 1 };
      }
      w.count += 1;
      return { success: w.count <= limit };
    },
  };
}
