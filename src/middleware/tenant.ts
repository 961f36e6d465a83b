import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../env.ts';
import { AppError } from '../lib/errors.ts';

/** Resolves `/v1/{tenant}` through the registry to its config and database; handlers never see URLs or secrets. */
export const tenantMiddleware = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const registered = await deps.tenants.get(c.req.param('tenant') ?? '');
    if (!registered) throw new AppError('TENANT_NOT_FOUND');
    if (registered.status === 'suspended') throw new AppError('TENANT_SUSPENDED');
    c.set('tenant', registered.config);
    c.set('db', deps.database(registered.config));
    await next();
  });
