/** Polls until `probe` holds (a server picks up another process's change, a queue consumer runs later), then gives the last value. */
export async function eventually<T>(probe: () => Promise<T>, ok: (x: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const x = await probe();
    if (ok(x) || Date.now() > until) return x;
    await new Promise((r) => setTimeout(r, 100));
  }
}
