/**
 * After a write to a tenant, the compliance results it touched are brought up
 * to date before the answer goes out (src/rules/materialise.ts), so the next
 * read finds them ready. The write itself has committed: if this fails, the
 * marks its triggers left make the next read do it.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../env.ts';
import { refreshCompliance } from '../rules/materialise.ts';
import { errorKind } from '../lib/errors.ts';

export const refreshAfterWrite = (deps: AppDeps): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.res.status >= 400 || !c.get('db')) return;
  try {
    await refreshCompliance(c.get('db'), c.get('tenant'), deps.clock.now());
  } catch (e) {
    deps.log.warn('compliance_refresh_failed', { tenant: c.get('tenant').id, kind: errorKind(e) });
  }
};
