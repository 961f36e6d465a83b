/**
 * What the Node entry and the CLI share: reading the environment, the tenant
 * folder, the JWT secret, the registry and the tenants' databases (local libSQL
 * files by default; the registry or `LIBSQL_URL_<ID>` can point a tenant at Turso or sqld).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from '@libsql/client';
import { createSharedFileClient } from './db/shared-file-client.ts';
import { makeDb, type Db } from './db/client.ts';
import { getConnInfo } from '@hono/node-server/conninfo';
import { LOGIN_LIMITS, memoryRateLimiter } from './lib/rate-limit.ts';
import { loginLimitSettings, parseConfig, registryCacheMs, registryFromVars, sharedFileSettings, tenantDatabaseTarget, type AppDeps } from './env.ts';
import { migrateRegistryDb } from './db/migrate.ts';
import { makeRegistryDb, TenantRegistry } from './tenants/registry.ts';
import { registerFromFiles } from './tenants/onboard.ts';
import { localFileProvisioner, tursoProvisioner, tursoSettings } from './tenants/provisioners.ts';
import { loadTenantsFromDir } from './tenants/load-dir.ts';
import type { TenantConfig } from './tenants/schema.ts';
import { systemClock } from './lib/clock.ts';
import { jsonLogger, type Logger } from './lib/logger.ts';
import { smtpSettings } from './email/transport.ts';
import { emlTransport, smtpTransport } from './email/node-transports.ts';

export interface NodeSettings {
  dataDir: string;
  tenantsDir: string;
  port: number;
  host: string;
}

export function nodeSettings(vars: NodeJS.ProcessEnv = process.env): NodeSettings {
  const port = Number(vars.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 无效: ${vars.PORT}`);
  return {
    dataDir: resolve(vars.DATA_DIR ?? 'data'),
    tenantsDir: resolve(vars.TENANTS_DIR ?? 'tenants'),
    port,
    host: vars.HOST ?? '0.0.0.0',
  };
}

/** JWT_SECRET from the environment, or one generated once and kept in DATA_DIR/.jwt-secret (mode 600). */
export function jwtSecret(vars: NodeJS.ProcessEnv, dataDir: string): string {
  if (vars.JWT_SECRET) return vars.JWT_SECRET;
  const file = join(dataDir, '.jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Where a tenant's database is reached from Node: the override or registered URL, else DATA_DIR/<id>.db. */
export function tenantDatabaseUrl(tenantId: string, registeredUrl: string | null | undefined, vars: NodeJS.ProcessEnv, dataDir: string) {
  return tenantDatabaseTarget(tenantId, registeredUrl, vars) ?? { url: `file:${join(dataDir, `${tenantId}.db`)}` };
}

/**
 * Opens (and caches) one libSQL client per location. Local files get the shared file client (busy
 * timeout, a fresh connection after a busy error, retries, then DatabaseBusyError), because other
 * processes may open the same file. `locate` is the registry's answer to "where is this tenant's database".
 */
export function tenantDatabases(vars: NodeJS.ProcessEnv, dataDir: string, locate: (tenantId: string) => string | null | undefined) {
  const clients = new Map<string, { client: Client; db: Db }>();
  const sharing = sharedFileSettings(vars);
  const open = (tenantId: string, registeredUrl: string | null | undefined) => {
    const target = tenantDatabaseUrl(tenantId, registeredUrl, vars, dataDir);
    const key = `${tenantId} ${target.url}`;
    let entry = clients.get(key);
    if (!entry) {
      const local = target.url.startsWith('file:');
      if (local) mkdirSync(dataDir, { recursive: true });
      const client = local ? createSharedFileClient(target, sharing) : createClient(target);
      entry = { client, db: makeDb(client) };
      clients.set(key, entry);
    }
    return { ...entry, local: target.url.startsWith('file:') };
  };
  return {
    database: (tenant: TenantConfig) => open(tenant.id, locate(tenant.id)).db,
    databaseAt: (tenantId: string, url: string | null) => open(tenantId, url).db,
    /** WAL lets readers go on while one writer writes, and other processes read while the server writes. */
    async prepareAt(tenantId: string, url: string | null | undefined) {
      const { client, local } = open(tenantId, url);
      if (local) await client.execute('PRAGMA journal_mode=WAL');
    },
    async prepare(tenant: TenantConfig) {
      await this.prepareAt(tenant.id, locate(tenant.id));
    },
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}

/**
 * Node's abuse limits: in-memory per process (LOGIN_LIMIT_PER_ADDRESS / LOGIN_LIMIT_PER_ACCOUNT a minute).
 * The client is the socket's address, or, behind a reverse proxy, the header it sets (CLIENT_ADDRESS_HEADER,
 * e.g. X-Real-IP; only set it when the proxy overwrites that header, or clients could pick their own address).
 */
export function nodeLoginLimits(vars: NodeJS.ProcessEnv): Pick<AppDeps, 'loginLimits' | 'clientAddress'> {
  const { perAddress, perAccount } = loginLimitSettings(vars);
  const header = vars.CLIENT_ADDRESS_HEADER?.trim();
  return {
    loginLimits: { byAddress: memoryRateLimiter(perAddress, LOGIN_LIMITS.periodSeconds), byAccount: memoryRateLimiter(perAccount, LOGIN_LIMITS.periodSeconds), periodSeconds: LOGIN_LIMITS.periodSeconds },
    clientAddress: (c) => {
      if (header) return c.req.header(header)?.split(',')[0].trim() || 'unknown';
      try {
        return getConnInfo(c).remote.address ?? 'unknown';
      } catch {
        return 'unknown'; // no socket: a request made in-process (tests)
      }
    },
  };
}

/** The registry (control plane): REGISTRY_URL, or DATA_DIR/registry.db on the embedded default. */
export function openRegistry(vars: NodeJS.ProcessEnv, dataDir: string, log?: Logger) {
  const remote = registryFromVars(vars);
  if (!remote) mkdirSync(dataDir, { recursive: true });
  const target = remote ?? { url: `file:${join(dataDir, 'registry.db')}` };
  const client = remote ? createClient(target) : createSharedFileClient(target, sharedFileSettings(vars));
  return { client, registry: new TenantRegistry(makeRegistryDb(client), { cacheMs: registryCacheMs(vars), log }), local: !remote, where: target.url };
}

/** SMTP when SMTP_HOST (or SMTP_HOST_<TENANT>) is set; otherwise .eml files under DATA_DIR/mail/<tenant>/. */
export function nodeMail(vars: NodeJS.ProcessEnv, dataDir: string, log: Logger) {
  return (tenant: TenantConfig) => {
    const smtp = smtpSettings(tenant.id, vars);
    return smtp ? smtpTransport(smtp) : emlTransport(join(dataDir, 'mail', tenant.id), log);
  };
}

export function buildNodeDeps(vars: NodeJS.ProcessEnv = process.env, log: Logger = jsonLogger()) {
  const settings = nodeSettings(vars);
  const reg = openRegistry(vars, settings.dataDir, log);
  // Emails link to the workbench: on Node the local address unless PUBLIC_BASE_URL says otherwise.
  const config = parseConfig({ PUBLIC_BASE_URL: `http://localhost:${settings.port}`, ...vars, JWT_SECRET: jwtSecret(vars, settings.dataDir) });
  const dbs = tenantDatabases(vars, settings.dataDir, (id) => reg.registry.location(id));
  const turso = tursoSettings(vars);
  const deps: AppDeps = {
    config,
    tenants: reg.registry,
    database: dbs.database,
    databaseAt: dbs.databaseAt,
    prepareDatabase: dbs.prepareAt,
    provisioner: turso ? tursoProvisioner(turso) : localFileProvisioner(settings.dataDir),
    clock: systemClock,
    log,
    mail: nodeMail(vars, settings.dataDir, log),
    ...nodeLoginLimits(vars),
  };
  return {
    deps,
    settings,
    dbs,
    registry: reg,
    /**
     * The registry migrated and, on the embedded default, the founding federations of TENANTS_DIR
     * registered (their databases created, migrated and provisioned) if they are not yet.
     */
    async prepareRegistry() {
      if (reg.local) await reg.client.execute('PRAGMA journal_mode=WAL');
      await migrateRegistryDb(reg.registry.db);
      if (!reg.local || !existsSync(settings.tenantsDir)) return { added: [], differing: [] };
      return registerFromFiles(deps, loadTenantsFromDir(settings.tenantsDir), (id) => `file:${relative(process.cwd(), join(settings.tenantsDir, `${id}.json`))}`);
    },
    close() {
      dbs.close();
      reg.client.close();
    },
  };
}
