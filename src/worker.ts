/**
 * Cloudflare Workers entry: `fetch` serves the API, `scheduled` runs the cron
 * table from wrangler.toml. Which federations exist, and where each one's
 * database is, comes from the registry at REGISTRY_URL (a Turso database); the
 * databases are reached over libSQL's HTTP protocol with the group token
 * LIBSQL_GROUP_AUTH_TOKEN (or LIBSQL_URL_<ID> / LIBSQL_AUTH_TOKEN_<ID> overrides).
 */
import { createClient } from '@libsql/client/http';
import { createApp, detectLang } from './app.ts';
import type { OpenApiDocument } from './lib/openapi.ts';
import { ConfigError, REMOTE_DATABASE_URL, REMOTE_DATABASE_URL_HINT, parseConfig, registryCacheMs, registryFromVars, tenantDatabaseTarget, tenantDatabaseVars, type AppDeps } from './env.ts';
import { makeRegistryDb, TenantRegistry } from './tenants/registry.ts';
import { tursoProvisioner, tursoSettings } from './tenants/provisioners.ts';
import { makeDb, type Db } from './db/client.ts';
import { AppError, errorBody } from './lib/errors.ts';
import { systemClock } from './lib/clock.ts';
import { jsonLogger } from './lib/logger.ts';
import { LOGIN_LIMITS, memoryRateLimiter, type RateLimiter } from './lib/rate-limit.ts';
import { runScheduled, runTenantJob, tenantJobMessages, type TenantJobMessage } from './jobs/index.ts';
import { smtpSettings, unconfiguredTransport } from './email/transport.ts';
import { workerSmtpTransport } from './email/worker-transport.ts';

export interface Env {
  JWT_SECRET: string;
  [binding: string]: unknown;
}

// Built once per isolate and per env object: config parsing, the registry cache and libSQL clients are reused.
let cache: { env: Env; deps: AppDeps; app: ReturnType<typeof createApp> } | undefined;

/** A database a Worker can reach: over HTTP (libsql://, https://), never a file or a WebSocket URL (the bundle has libSQL's HTTP client only). */
function remoteDatabases(env: Env, locate: (id: string) => string | null | undefined, log: AppDeps['log']) {
  const clients = new Map<string, Db>();
  return (tenantId: string, registeredUrl: string | null | undefined) => {
    const target = tenantDatabaseTarget(tenantId, registeredUrl === undefined ? locate(tenantId) : registeredUrl, env);
    const override = tenantDatabaseVars(tenantId).url;
    if (!target) {
      log.error('tenant_database_not_configured', { tenant: tenantId });
      throw new AppError('MISCONFIGURED', { detail: { zh: `服务配置不完整，请联系运维人员：登记库中妇联 ${tenantId} 没有数据库地址（Workers 上须为 libsql:// 地址）`, en: `The registry has no database URL for ${tenantId} (a libsql:// URL is needed on Workers)` } });
    }
    if (!REMOTE_DATABASE_URL.test(target.url)) {
      // A Worker has no files: a file: URL (or any other scheme, ws:// too) cannot work; say where it came from.
      const where = env[override] ? override : `登记库中 ${tenantId} 的数据库地址`;
      log.error('tenant_database_url_unusable', { tenant: tenantId, variable: where });
      throw new AppError('MISCONFIGURED', { detail: { zh: `服务配置不完整，请联系运维人员：${where} 须为 libsql:// 或 https:// 地址（Workers 不能打开本地文件；本地开发请用 npm run dev:worker）`, en: `${where} must be a libsql:// or https:// URL (a Worker cannot open local files; use npm run dev:worker locally)` } });
    }
    const key = `${tenantId} ${target.url}`;
    let db = clients.get(key);
    if (!db) clients.set(key, (db = makeDb(createClient(target))));
    return db;
  };
}

/**
 * The OpenAPI document the build wrote (scripts/build-openapi.ts → public/assets/openapi.json), read
 * through the Static Assets binding: the worker bundle has no OpenAPI generator of its own.
 */
async function builtOpenApiDocument(env: Env, log: AppDeps['log']): Promise<OpenApiDocument> {
  const assets = env.ASSETS as Fetcher | undefined;
  const res = await assets?.fetch('https://assets.local/assets/openapi.json');
  if (!res?.ok) {
    log.error('openapi_document_missing', { binding: 'ASSETS', status: res?.status ?? null });
    throw new AppError('INTERNAL');
  }
  return res.json();
}

function bindingOr(binding: unknown, limit: number, log: AppDeps['log']): RateLimiter {
  if (binding && typeof (binding as RateLimiter).limit === 'function') return binding as RateLimiter;
  log.warn('ratelimit_not_bound', { limit });
  return memoryRateLimiter(limit, LOGIN_LIMITS.periodSeconds);
}

function runtime(env: Env) {
  if (cache?.env === env) return cache;
  const config = parseConfig(env, { requirePublicBaseUrl: true, requireRegistry: true });
  const registry = registryFromVars(env)!;
  if (!REMOTE_DATABASE_URL.test(registry.url)) throw new ConfigError([`REGISTRY_URL: ${REMOTE_DATABASE_URL_HINT}（Workers 只能通过 HTTP 访问数据库）`]);
  const registryClient = createClient(registry);
  const log = jsonLogger();
  const tenants = new TenantRegistry(makeRegistryDb(registryClient), { cacheMs: registryCacheMs(env), log });
  const open = remoteDatabases(env, (id) => tenants.location(id), log);
  const turso = tursoSettings(env);
  const deps: AppDeps = {
    config,
    tenants,
    clock: systemClock,
    log,
    mail: (tenant) => {
      const smtp = smtpSettings(tenant.id, env);
      return smtp ? workerSmtpTransport(smtp) : unconfiguredTransport(tenant.id);
    },
    database: (tenant) => open(tenant.id, undefined),
    databaseAt: (tenantId, url) => open(tenantId, url),
    provisioner: turso && tursoProvisioner(turso),
    // [[ratelimits]] in wrangler.toml: counted by Cloudflare for every isolate. Without the bindings (a
    // misconfigured deployment) each isolate counts for itself, as Node does, and the log says so.
    loginLimits: {
      byAddress: bindingOr(env.LOGIN_BY_ADDRESS, LOGIN_LIMITS.perAddress, log),
      byAccount: bindingOr(env.LOGIN_BY_ACCOUNT, LOGIN_LIMITS.perAccount, log),
      periodSeconds: LOGIN_LIMITS.periodSeconds,
    },
    clientAddress: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
  };
  cache = { env, deps, app: createApp(deps, { openapi: () => builtOpenApiDocument(env, log) }) };
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
  /**
   * The cron fans out: one message per active tenant onto the TENANT_JOBS queue, consumed by queue()
   * below, so each federation's check runs, fails and is retried on its own. Without the queue
   * binding the same messages run in this invocation (and the log says so).
   */
  scheduled(controller, env, ctx) {
    let deps: AppDeps;
    try {
      deps = runtime(env).deps;
    } catch (err) {
      if (misconfigured(err)) return;
      throw err;
    }
    const queue = env.TENANT_JOBS as Queue<TenantJobMessage> | undefined;
    ctx.waitUntil(
      (async () => {
        if (!queue) {
          deps.log.warn('queue_not_bound', { binding: 'TENANT_JOBS' });
          await runScheduled(deps, controller.cron, new Date(controller.scheduledTime));
          return;
        }
        const messages = await tenantJobMessages(deps, controller.cron, new Date(controller.scheduledTime));
        // sendBatch takes at most 100 messages.
        for (let i = 0; i < messages.length; i += 100) await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: 'json' as const })));
        deps.log.info('tenant_jobs_enqueued', { cron: controller.cron, count: messages.length });
      })(),
    );
  },
  /**
   * TENANT_JOBS: each message is one tenant's job, run concurrently with the others in its batch and
   * acknowledged or retried on its own (later each time); after max_retries it goes to the dead-letter
   * queue, whose consumer logs it as an error for the operators. Running twice is harmless: the job
   * ledger claims each tenant's slot once.
   */
  async queue(batch, env, _ctx) {
    const deps = runtime(env).deps;
    if (batch.queue.endsWith('-dlq')) {
      for (const msg of batch.messages) {
        const body = msg.body as TenantJobMessage;
        deps.log.error('tenant_job_dead_lettered', { tenant: body.tenant, job: body.job, slot: body.slot, attempts: msg.attempts });
        msg.ack();
      }
      return;
    }
    const delay = retryDelaySeconds(env);
    await Promise.all(
      batch.messages.map(async (msg) => {
        const outcome = await runTenantJob(deps, msg.body as TenantJobMessage);
        if (outcome.status === 'failed') msg.retry({ delaySeconds: delay * msg.attempts });
        else msg.ack();
      }),
    );
  },
} satisfies ExportedHandler<Env>;

/** Seconds before a failed tenant job is retried, times the attempt (TENANT_JOB_RETRY_SECONDS, default 60). */
function retryDelaySeconds(env: Env): number {
  const n = Number(env.TENANT_JOB_RETRY_SECONDS ?? 60);
  return Number.isInteger(n) && n >= 0 && n <= 3600 ? n : 60;
}
