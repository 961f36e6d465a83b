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
import type { AuthUser } from './middleware/auth.ts';
import type { IdempotencyState } from './middleware/idempotency.ts';
import type { MailTransport } from './email/transport.ts';

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
 */
export function parseConfig(vars: Record<string, unknown>, opts: { requirePublicBaseUrl?: boolean } = {}): AppConfig {
  const r = v.safeParse(ConfigSchema, vars);
  const problems = r.success ? [] : r.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`);
  if (opts.requirePublicBaseUrl && vars.PUBLIC_BASE_URL === undefined) problems.push('PUBLIC_BASE_URL: 未设置（工作台的公网地址，例如 https://grassroots.example.org；邮件中的链接指向这里）');
  if (!r.success || problems.length) throw new ConfigError(problems);
  const o = r.output;
  return {
    jwt: { secret: o.JWT_SECRET, issuer: o.JWT_ISSUER, audience: o.JWT_AUDIENCE, ttlSeconds: o.TOKEN_TTL_SECONDS },
    maxBodyBytes: o.MAX_BODY_BYTES,
    maxImportBytes: o.MAX_IMPORT_BYTES,
    publicBaseUrl: o.PUBLIC_BASE_URL ?? 'http://localhost:8787',
    corsOrigins: o.CORS_ORIGINS,
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

/** What both entries hand to createApp and to the jobs. */
export interface AppDeps {
  config: AppConfig;
  tenants: TenantRegistry;
  /** The tenant's database; the entry decides how it is reached. */
  database: (tenant: TenantConfig) => Db;
  clock: Clock;
  log: Logger;
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
