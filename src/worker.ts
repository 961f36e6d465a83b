/**
 * Cloudflare Workers entry: `fetch` serves the API, `scheduled` runs the cron
 * table from wrangler.toml. Each tenant's database is reached over libSQL's
 * HTTP protocol (Turso or sqld), at LIBSQL_URL_<ID> with LIBSQL_AUTH_TOKEN_<ID>.
 */
import { createClient } from '@libsql/client/web';
import { createApp, detectLang } from './app.ts';
import { ConfigError, parseConfig, tenantDatabaseFromVars, type AppDeps } from './env.ts';
import { TenantRegistry } from './tenants/registry.ts';
import { makeDb, type Db } from './db/client.ts';
import { AppError, errorBody } from './lib/errors.ts';
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
    config: parseConfig(env, { requirePublicBaseUrl: true }),
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
        if (!/^(libsql|https?|wss?):/.test(target.url)) {
          // A Worker has no files: a file: URL (or any other scheme) cannot work; say which variable.
          const name = `LIBSQL_URL_${tenant.id.toUpperCase().replace(/-/g, '_')}`;
          deps.log.error('tenant_database_url_unusable', { tenant: tenant.id, variable: name });
          throw new AppError('MISCONFIGURED', { detail: { zh: `服务配置不完整，请联系运维人员：${name} 须为 libsql:// 或 https:// 地址（Workers 不能打开本地文件；本地开发请用 npm run dev:worker）`, en: `${name} must be a libsql:// or https:// URL (a Worker cannot open local files; use npm run dev:worker locally)` } });
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

/**
 * Workers have no start-up of their own: the first request or cron event builds the runtime. A
 * configuration that cannot work is logged with the names of its variables, and requests get the
 * one JSON error shape (503 MISCONFIGURED, naming the variables, no stack trace).
 */
function misconfigured(err: unknown): AppError | undefined {
  if (!(err instanceof ConfigError)) return undefined;
  jsonLogger().error('configuration_invalid', { problems: err.problems.join('; ') });
  return new AppError('MISCONFIGURED', { detail: { zh: `服务配置不完整，请联系运维人员：${err.problems.join('；')}`, en: `The service is not fully configured: ${err.problems.join('; ')}` } });
}

export default {
  fetch(request, env, ctx) {
    try {
      return runtime(env).app.fetch(request, env, ctx);
    } catch (err) {
      const appErr = misconfigured(err);
      if (!appErr) throw err;
      return Response.json(errorBody(appErr, detectLang(request.headers.get('accept-language') ?? undefined), crypto.randomUUID()), { status: appErr.status, headers: { 'cache-control': 'no-store' } });
    }
  },
  scheduled(controller, env, ctx) {
    let deps: AppDeps;
    try {
      deps = runtime(env).deps;
    } catch (err) {
      if (misconfigured(err)) return;
      throw err;
    }
    ctx.waitUntil(runScheduled(deps, controller.cron, new Date(controller.scheduledTime)).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
