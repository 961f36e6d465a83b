import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../env.ts';
import { AppError } from '../lib/errors.ts';

/** Resolves `/v1/{tenant}` to its config and database; handlers never see URLs or secrets. */
export const tenantMiddleware = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const tenant = deps.tenants.get(c.req.param('tenant') ?? '');
    if (!tenant) throw new AppError('TENANT_NOT_FOUND');
    c.set('tenant', tenant);
    c.set('db', deps.database(tenant));
    await next();
  });
