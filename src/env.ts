/**
 * The one place where configuration enters: environment variables (Node) or
 * bindings and secrets (Workers) are parsed here, once, into AppConfig.
 */
import * as v from 'valibot';
import type { Db } from './db/client.ts';
import type { Lang } from './lib/errors.ts';
import type { Clock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import type { TenantConfig } from './tenants/schema.ts';
import type { TenantRegistry } from './tenants/registry.ts';
import type { DatabaseProvisioner } from './tenants/provisioners.ts';
import type { AuthUser } from './middleware/auth.ts';
import type { IdempotencyState } from './middleware/idempotency.ts';
import type { MailTransport } from './email/transport.ts';
import type { LoginLimits } from './lib/rate-limit.ts';
import type { Context } from 'hono';

const intString = (fallback: number, min: number, max: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.transform((s) => Number(s)),
    v.number(),
    v.integer(),
    v.minValue(min),
    v.maxValue(max),
  );

const ConfigSchema = v.object({
  JWT_SECRET: v.pipe(v.string('JWT_SECRET 未设置'), v.minLength(32, 'JWT_SECRET 至少 32 个字符')),
  JWT_ISSUER: v.optional(v.string(), 'grassroots'),
  JWT_AUDIENCE: v.optional(v.string(), 'grassroots-api'),
  TOKEN_TTL_SECONDS: intString(8 * 3600, 60, 30 * 24 * 3600),
  MAX_BODY_BYTES: intString(1024 * 1024, 1024, 64 * 1024 * 1024),
  MAX_IMPORT_BYTES: intString(20 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  PUBLIC_BASE_URL: v.optional(v.pipe(v.string(), v.url('PUBLIC_BASE_URL 须为完整网址，例如 https://grassroots.example.org'))),
  PLATFORM_TOKEN: v.optional(v.pipe(v.string(), v.minLength(32, 'PLATFORM_TOKEN 至少 32 个字符'))),
  CORS_ORIGINS: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
      v.check((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), 'CORS_ORIGINS 须为逗号分隔的来源，例如 https://a.example,https://b.example，或 *'),
    ),
    '',
  ),
});

export interface AppConfig {
  jwt: { secret: string; issuer: string; audience: string; ttlSeconds: number };
  maxBodyBytes: number;
  maxImportBytes: number;
  /** Where people reach the API; emails link to it. */
  publicBaseUrl: string;
  /** Browser origins allowed to call the API (CORS); `*` for any; empty for none. */
  corsOrigins: string[];
  /** The platform operators' bearer secret for /v1/platform; unset: that API is closed. */
  platformToken?: string;
}

/** Configuration that cannot work: each problem names its variable (never its value). */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('配置无效 (invalid configuration): ' + problems.join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * The app's configuration from its variables. `requirePublicBaseUrl` (Workers): there is no local
 * address to fall back on, and every email link and same-origin check depends on it.
 * `requireRegistry` (Workers): there is no local registry file either.
 */
export function parseConfig(vars: Record<string, unknown>, opts: { requirePublicBaseUrl?: boolean; requireRegistry?: boolean } = {}): AppConfig {
  const r = v.safeParse(ConfigSchema, vars);
  const problems = r.success ? [] : r.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`);
  if (opts.requirePublicBaseUrl && vars.PUBLIC_BASE_URL === undefined) problems.push('PUBLIC_BASE_URL: 未设置（工作台的公网地址，例如 https://grassroots.example.org；邮件中的链接指向这里）');
  if (opts.requireRegistry && !registryFromVars(vars)) problems.push('REGISTRY_URL: 未设置（登记库的地址，例如 libsql://grassroots-registry-xxx.turso.io；令牌放在 REGISTRY_AUTH_TOKEN）');
  if (!r.success || problems.length) throw new ConfigError(problems);
  const o = r.output;
  return {
    jwt: { secret: o.JWT_SECRET, issuer: o.JWT_ISSUER, audience: o.JWT_AUDIENCE, ttlSeconds: o.TOKEN_TTL_SECONDS },
    maxBodyBytes: o.MAX_BODY_BYTES,
    maxImportBytes: o.MAX_IMPORT_BYTES,
    publicBaseUrl: o.PUBLIC_BASE_URL ?? 'http://localhost:8787',
    corsOrigins: o.CORS_ORIGINS,
    platformToken: o.PLATFORM_TOKEN,
  };
}

/**
 * How long a request, job or CLI command waits for a local database file that
 * another process has locked (`DB_BUSY_WAIT_MS`, default 5 s) before it gives
 * up with 503 / "数据库忙"; each wait step blocks the event loop at most 50 ms.
 */
export function sharedFileSettings(vars: Record<string, unknown>): { busyTimeoutMs: number; waitMs: number } {
  const r = v.safeParse(v.object({ DB_BUSY_WAIT_MS: intString(5000, 0, 120_000) }), vars);
  if (!r.success) throw new Error('配置无效 (invalid configuration): DB_BUSY_WAIT_MS 须为 0–120000 的整数毫秒');
  return { busyTimeoutMs: 50, waitMs: r.output.DB_BUSY_WAIT_MS };
}

/** `LIBSQL_URL_<ID>` / `LIBSQL_AUTH_TOKEN_<ID>`: where a tenant's database lives, when not the local file. */
export function tenantDatabaseVars(tenantId: string) {
  const suffix = tenantId.toUpperCase().replace(/-/g, '_');
  return { url: `LIBSQL_URL_${suffix}`, authToken: `LIBSQL_AUTH_TOKEN_${suffix}` };
}

export function tenantDatabaseFromVars(tenantId: string, vars: Record<string, unknown>): { url: string; authToken?: string } | undefined {
  const names = tenantDatabaseVars(tenantId);
  const url = vars[names.url];
  if (typeof url !== 'string' || !url) return undefined;
  const token = vars[names.authToken];
  return { url, authToken: typeof token === 'string' && token ? token : undefined };
}

/** A variable's value if it is a non-empty string. */
export const nonEmpty = (x: unknown) => (typeof x === 'string' && x ? x : undefined);

/**
 * A database the service reaches over the network: libSQL over HTTP (Turso's libsql://, or an
 * sqld's https://). Workers carry only libSQL's HTTP client, and a URL in the registry must serve
 * whichever runtime reads it, so the platform API, the CLI and the Worker all take these and no other.
 */
export const REMOTE_DATABASE_URL = /^(libsql|https?):\/\/\S+$/;
export const REMOTE_DATABASE_URL_HINT = '须为 libsql:// 或 https:// 地址';

/**
 * Where a tenant's database is reached: `LIBSQL_URL_<ID>` if set (an override, e.g. `npm run dev:worker`),
 * else the URL in the registry, with the one group token `LIBSQL_GROUP_AUTH_TOKEN` (a Turso group
 * token opens every database in the group, so no secret per tenant). undefined: the registry names no
 * URL, which on Node means the local file DATA_DIR/<id>.db.
 */
export function tenantDatabaseTarget(tenantId: string, registeredUrl: string | null | undefined, vars: Record<string, unknown>): { url: string; authToken?: string } | undefined {
  return tenantDatabaseFromVars(tenantId, vars) ?? (registeredUrl ? { url: registeredUrl, authToken: nonEmpty(vars.LIBSQL_GROUP_AUTH_TOKEN) } : undefined);
}

/** `REGISTRY_URL` / `REGISTRY_AUTH_TOKEN`: the control-plane database; undefined on Node means DATA_DIR/registry.db. */
export function registryFromVars(vars: Record<string, unknown>): { url: string; authToken?: string } | undefined {
  const url = nonEmpty(vars.REGISTRY_URL);
  return url ? { url, authToken: nonEmpty(vars.REGISTRY_AUTH_TOKEN) } : undefined;
}

/**
 * Node's login limits (`LOGIN_LIMIT_PER_ADDRESS`, `LOGIN_LIMIT_PER_ACCOUNT`, attempts per minute; defaults 30 and 10).
 * On Workers they are the [[ratelimits]] bindings in wrangler.toml.
 */
export function loginLimitSettings(vars: Record<string, unknown>): { perAddress: number; perAccount: number } {
  const r = v.safeParse(v.object({ LOGIN_LIMIT_PER_ADDRESS: intString(30, 1, 100_000), LOGIN_LIMIT_PER_ACCOUNT: intString(10, 1, 100_000) }), vars);
  if (!r.success) throw new ConfigError(['LOGIN_LIMIT_PER_ADDRESS / LOGIN_LIMIT_PER_ACCOUNT: 须为 1–100000 的整数（每分钟次数）']);
  return { perAddress: r.output.LOGIN_LIMIT_PER_ADDRESS, perAccount: r.output.LOGIN_LIMIT_PER_ACCOUNT };
}

/** How long a process trusts its copy of the registry (`REGISTRY_CACHE_SECONDS`, default 15): a suspension or config change takes effect within it. */
export function registryCacheMs(vars: Record<string, unknown>): number {
  const r = v.safeParse(v.object({ REGISTRY_CACHE_SECONDS: intString(15, 0, 3600) }), vars);
  if (!r.success) throw new ConfigError(['REGISTRY_CACHE_SECONDS: 须为 0–3600 的整数秒']);
  return r.output.REGISTRY_CACHE_SECONDS * 1000;
}

/** What both entries hand to createApp and to the jobs. */
export interface AppDeps {
  config: AppConfig;
  tenants: TenantRegistry;
  /** The tenant's database, where the registry says it is; the entry decides how it is reached. */
  database: (tenant: TenantConfig) => Db;
  /** A database at a given location, before its tenant is registered (onboarding); null: the default location. */
  databaseAt: (tenantId: string, url: string | null) => Db;
  /** Readies a local database file before first use (WAL); absent where databases are remote only. */
  prepareDatabase?: (tenantId: string, url: string | null) => Promise<void>;
  /** Creates a new tenant's database (a local file, or one on Turso); undefined where this runtime cannot. */
  provisioner?: DatabaseProvisioner;
  clock: Clock;
  log: Logger;
  /** Login and password attempts allowed per client address and per account (src/lib/rate-limit.ts). */
  loginLimits: LoginLimits;
  /** Who is asking, for the per-address limit: cf-connecting-ip on Workers, the socket (or CLIENT_ADDRESS_HEADER) on Node. */
  clientAddress: (c: Context) => string;
  /** How a tenant's email leaves: SMTP, or (Node without SMTP) .eml files. */
  mail: (tenant: TenantConfig) => MailTransport;
}

export interface AppVariables {
  requestId: string;
  lang: Lang;
  tenant: TenantConfig;
  db: Db;
  user: AuthUser;
  idempotency?: IdempotencyState;
}

export type AppEnv = { Variables: AppVariables };
