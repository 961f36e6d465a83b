/**
 * Cloudflare Workers entry: `fetch` serves the API, `scheduled` runs the cron
 * table from wrangler.toml. Each tenant's database is reached over libSQL's
 * HTTP protocol (Turso or sqld), at LIBSQL_URL_<ID> with LIBSQL_AUTH_TOKEN_<ID>.
 */
import { createClient } from '@libsql/client/web';
import { createApp } from './app.ts';
import { parseConfig, tenantDatabaseFromVars, type AppDeps } from './env.ts';
import { TenantRegistry } from './tenants/registry.ts';
import { makeDb, type Db } from './db/client.ts';
import { AppError } from './lib/errors.ts';
import { systemClock } from './lib/clock.ts';
import { jsonLogger } from './lib/logger.ts';
import { runScheduled } from './jobs/index.ts';
import { smtpSettings, unconfiguredTransport } from './email/transport.ts';
import { workerSmtpTransport } from './email/worker-transport.ts';
import { tenantConfigs } from '../.generated/tenants.ts';

export interface Env {
  JWT_SECRET: string;
  [binding: string]: unknown;
}

// Built once per isolate and per env object: config parsing, tenant validation and libSQL clients are reused.
let cache: { env: Env; deps: AppDeps; app: ReturnType<typeof createApp> } | undefined;

function runtime(env: Env) {
  if (cache?.env === env) return cache;
  const tenants = TenantRegistry.fromRaw(tenantConfigs);
  const clients = new Map<string, Db>();
  const deps: AppDeps = {
    config: parseConfig(env),
    tenants,
    clock: systemClock,
    log: jsonLogger(),
    mail: (tenant) => {
      const smtp = smtpSettings(tenant.id, env);
      return smtp ? workerSmtpTransport(smtp) : unconfiguredTransport(tenant.id);
    },
    database: (tenant) => {
      let db = clients.get(tenant.id);
      if (!db) {
        const target = tenantDatabaseFromVars(tenant.id, env);
        if (!target) {
          deps.log.error('tenant_database_not_configured', { tenant: tenant.id });
          throw new AppError('SERVICE_UNAVAILABLE');
        }
        db = makeDb(createClient(target));
        clients.set(tenant.id, db);
      }
      return db;
    },
  };
  cache = { env, deps, app: createApp(deps) };
  return cache;
}

export default {
  fetch(request, env, ctx) {
    return runtime(env).app.fetch(request, env, ctx);
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(runtime(env).deps, controller.cron, new Date(controller.scheduledTime)).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
