/**
 * HTTP conventions a REST client expects, kept out of the routes: CORS for
 * browser clients on the origins a deployment names, `Location` on 201, and
 * `405` with `Allow` for a known path asked with the wrong method.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';

/** CORS for the configured origins (`CORS_ORIGINS`); `*` allows any. Nothing is allowed when none are set. */
export function corsFor(origins: string[]): MiddlewareHandler {
  const any = origins.includes('*');
  return cors({
    origin: (origin) => (any ? '*' : origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Accept-Language'],
    exposeHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'Content-Disposition', 'Allow'],
    maxAge: 600,
  });
}

/** A 201 for a new resource says where it lives: `Location: <collection>/<id>` (also on a replayed 201). */
export const locationOfCreated = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method !== 'POST' || c.res.status !== 201 || c.res.headers.has('location')) return;
  if (!/json/.test(c.res.headers.get('content-type') ?? '')) return;
  const body = (await c.res.clone().json().catch(() => undefined)) as { id?: unknown } | undefined;
  if (typeof body?.id === 'string') c.res.headers.set('Location', `${c.req.path.replace(/\/$/, '')}/${encodeURIComponent(body.id)}`);
});

/** The methods the app's routes answer for a path (empty when no route has the path at all). */
export function allowedMethods(app: Hono<AppEnv>): (path: string) => string[] {
  const routes = app.routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.replace(/\/$/, '').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`) }));
  return (path) => {
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
