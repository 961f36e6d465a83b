/**
 * What the Node entry and the CLI share: reading the environment, the tenant
 * folder, the JWT secret and the tenants' databases (local libSQL files by
 * default; `LIBSQL_URL_<ID>` points a tenant at Turso or sqld instead).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from '@libsql/client';
import { createSharedFileClient } from './db/shared-file-client.ts';
import { makeDb, type Db } from './db/client.ts';
import { parseConfig, sharedFileSettings, tenantDatabaseFromVars, type AppDeps } from './env.ts';
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

export function tenantDatabaseUrl(tenant: TenantConfig, vars: NodeJS.ProcessEnv, dataDir: string) {
  return tenantDatabaseFromVars(tenant.id, vars) ?? { url: `file:${join(dataDir, `${tenant.id}.db`)}` };
}

/**
 * Opens (and caches) one libSQL client per tenant. Local files get the shared
 * file client (busy timeout, a fresh connection after a busy error, retries,
 * then DatabaseBusyError), because other processes may open the same file.
 */
export function tenantDatabases(vars: NodeJS.ProcessEnv, dataDir: string) {
  const clients = new Map<string, { client: Client; db: Db }>();
  const sharing = sharedFileSettings(vars);
  const open = (tenant: TenantConfig) => {
    let entry = clients.get(tenant.id);
    if (!entry) {
      const target = tenantDatabaseUrl(tenant, vars, dataDir);
      const local = target.url.startsWith('file:');
      if (local) mkdirSync(dataDir, { recursive: true });
      const client = local ? createSharedFileClient(target, sharing) : createClient(target);
      entry = { client, db: makeDb(client) };
      clients.set(tenant.id, entry);
    }
    return entry;
  };
  return {
    database: (tenant: TenantConfig) => open(tenant).db,
    /** WAL lets readers go on while one writer writes, and other processes read while the server writes. */
    async prepare(tenant: TenantConfig) {
      const { client } = open(tenant);
      if (tenantDatabaseUrl(tenant, vars, dataDir).url.startsWith('file:')) await client.execute('PRAGMA journal_mode=WAL');
    },
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
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
  const tenants = loadTenantsFromDir(settings.tenantsDir);
  // Emails link to the workbench: on Node the local address unless PUBLIC_BASE_URL says otherwise.
  const config = parseConfig({ PUBLIC_BASE_URL: `http://localhost:${settings.port}`, ...vars, JWT_SECRET: jwtSecret(vars, settings.dataDir) });
  const dbs = tenantDatabases(vars, settings.dataDir);
  const deps: AppDeps = { config, tenants, database: dbs.database, clock: systemClock, log, mail: nodeMail(vars, settings.dataDir, log) };
  return { deps, settings, dbs };
}
