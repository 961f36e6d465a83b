/**
 * A Node app over real libSQL files in a temp folder: the same createApp,
 * migrations and provisioning as `npm start`, with a clock the test moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { people } from '../../db/schema.ts';
import type { MiddlewareHandler } from 'hono';
import { createApp } from '../../src/app.ts';
import { openApiDocument } from '../../src/lib/openapi-document.ts';
import { parseConfig, type AppDeps } from '../../src/env.ts';
import { tenantDatabases, nodeLoginLimits, nodeMail, openRegistry } from '../../src/node-runtime.ts';
import { registerFromFiles } from '../../src/tenants/onboard.ts';
import { localFileProvisioner, tursoProvisioner, tursoSettings } from '../../src/tenants/provisioners.ts';
import type { TenantConfig } from '../../src/tenants/schema.ts';
import { loadTenantsFromDir } from '../../src/tenants/load-dir.ts';
import { migrateRegistryDb } from '../../src/db/migrate.ts';
import { silentLogger, type Logger } from '../../src/lib/logger.ts';

export const TEST_SECRET = 'node-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const TENANTS_DIR = join(import.meta.dirname, '../../tenants');

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  dir: string;
  admins: Record<string, { email: string; password: string }>;
  setNow(iso: string): void;
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  login(tenant: string, email: string, password: string): Promise<string>;
  adminToken(tenant: string): Promise<string>;
  /** A founding federation's config (as registered from tenants/<id>.json). */
  tenant(id: string): TenantConfig;
  close(): void;
}

export async function makeTestApp(opts: { now?: string; log?: Logger; vars?: Record<string, string>; mail?: AppDeps['mail']; assets?: MiddlewareHandler } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-node-'));
  const files = loadTenantsFromDir(TENANTS_DIR);
  const vars = opts.vars ?? {};
  // The real registry, a libSQL file in the temp folder, seeded from tenants/*.json as `npm start` seeds it.
  const reg = openRegistry(vars, dir);
  await migrateRegistryDb(reg.registry.db);
  const dbs = tenantDatabases(vars, dir, (id) => reg.registry.location(id));
  let now = new Date(opts.now ?? '2026-11-23T02:00:00.000Z');
  const deps: AppDeps = {
    config: parseConfig({ JWT_SECRET: TEST_SECRET, ...opts.vars }),
    tenants: reg.registry,
    database: dbs.database,
    databaseAt: dbs.databaseAt,
    prepareDatabase: dbs.prepareAt,
    provisioner: tursoSettings(vars) ? tursoProvisioner(tursoSettings(vars)!) : localFileProvisioner(dir),
    clock: { now: () => now },
    log: opts.log ?? silentLogger,
    mail: opts.mail ?? nodeMail(vars, dir, opts.log ?? silentLogger),
    // Tests log in far more often than people do: generous limits unless a test sets its own.
    ...nodeLoginLimits({ LOGIN_LIMIT_PER_ADDRESS: '10000', LOGIN_LIMIT_PER_ACCOUNT: '10000', ...vars }),
  };
  const admins: TestApp['admins'] = {};
  for (const { tenant, bootstrapAdmin } of (await registerFromFiles(deps, files, (id) => `file:tenants/${id}.json`)).added) {
    admins[tenant.id] = bootstrapAdmin!;
    // As if she had already changed her first password: tests act as an admin at work (auth.security tests the first login).
    await deps.database(tenant.config).update(people).set({ mustChangePassword: false }).where(eq(people.email, admins[tenant.id].email));
  }
  const app = createApp(deps, { assets: opts.assets, openapi: openApiDocument });
  const request: TestApp['request'] = (path, init = {}) => {
    const { token, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return Promise.resolve(app.request(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body }));
  };
  const login: TestApp['login'] = async (tenant, email, password) => {
    const res = await request(`/v1/${tenant}/auth/login`, { method: 'POST', json: { email, password } });
    if (res.status !== 200) throw new Error(`login ${tenant}/${email} failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const tokens = new Map<string, string>();
  return {
    app,
    deps,
    dir,
    admins,
    setNow: (iso) => {
      now = new Date(iso);
      tokens.clear(); // tokens from another time may have expired
    },
    request,
    login,
    adminToken: async (tenant) => {
      if (!tokens.has(tenant)) tokens.set(tenant, await login(tenant, admins[tenant].email, admins[tenant].password));
      return tokens.get(tenant)!;
    },
    tenant: (id) => files.get(id)!,
    close: () => {
      dbs.close();
      reg.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a person who can log in, through the API as an admin would, and returns the id and a token. */
export async function addUser(t: TestApp, tenant: string, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await t.request(`/v1/${tenant}/people`, { method: 'POST', token: await t.adminToken(tenant), json: body });
  if (res.status !== 201) throw new Error(`add user failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, token: await t.login(tenant, body.email as string, body.password as string) };
}

export async function countRows(t: TestApp, tenant: string, table: string): Promise<number> {
  const db = t.deps.database(t.tenant(tenant));
  const rows = await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`));
  return Number(rows[0].n);
}
