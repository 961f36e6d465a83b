/**
 * Node side of the worker suite: the registry and one real libSQL database file per founding
 * tenant, migrated and provisioned as `grassroots tenant create` would, each served over libSQL's
 * HTTP protocol by the local sqld stand-in (the registry on the port vitest.config.ts named in the
 * Worker's bindings; the tenants with the one group token). A fifth registered federation, "broken",
 * has a database that answers every request with 500, for the fan-out tests. The Worker reaches
 * everything over HTTP only. Also: a real SMTP server, and the Turso Platform API test double.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { eq } from 'drizzle-orm';
import { people } from '../../db/schema.ts';
import type { TestProject } from 'vitest/node';
import { makeDb } from '../../src/db/client.ts';
import { migrateRegistryDb, migrateTenantDb } from '../../src/db/migrate.ts';
import { provisionTenant } from '../../src/db/provision.ts';
import { loadTenantsFromDir } from '../../src/tenants/load-dir.ts';
import { makeRegistryDb, TenantRegistry } from '../../src/tenants/registry.ts';
import { parseTenantConfig } from '../../src/tenants/schema.ts';
import { startHranaServer, type HranaServer } from '../../scripts/local-hrana-server.ts';
import { startSmtp } from '../support/smtp.ts';
import { startTursoPlatformDouble } from '../support/turso-platform-double.ts';
import { fourthFederationConfig } from '../support/fourth-federation.ts';
import { workerSuite } from './suite.ts';

export interface WorkerTenantDb {
  url: string;
  authToken: string;
  adminEmail: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tenantDatabases: Record<string, WorkerTenantDb>;
    registry: { url: string; authToken: string };
    smtp: { port: number; messagesUrl: string };
    turso: { apiUrl: string };
    /** GET → { [tenant]: pipeline requests its database server has served }: round trips, counted at the server. */
    databaseRequestsUrl: string;
    /** A fourth federation's config, for onboarding through the platform API. */
    fourthFederation: Record<string, unknown>;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-worker-'));
  const servers: HranaServer[] = [];
  const now = new Date();
  const registryClient = createClient({ url: `file:${join(dir, 'registry.db')}` });
  const registry = new TenantRegistry(makeRegistryDb(registryClient));
  await migrateRegistryDb(registry.db);

  const out: Record<string, WorkerTenantDb> = {};
  const byTenant: Record<string, HranaServer> = {};
  for (const tenant of loadTenantsFromDir(join(import.meta.dirname, '../../tenants')).list()) {
    const path = join(dir, `${tenant.id}.db`);
    const client = createClient({ url: `file:${path}` });
    const db = makeDb(client);
    const schema = await migrateTenantDb(db);
    const { bootstrapAdmin } = await provisionTenant(db, tenant, now);
    // As if she had already changed her first password (the Node suite tests the first login).
    await db.update(people).set({ mustChangePassword: false }).where(eq(people.email, bootstrapAdmin!.email));
    client.close();
    const server = await startHranaServer(path, { authToken: workerSuite.groupToken });
    servers.push(server);
    byTenant[tenant.id] = server;
    await registry.create({ config: tenant, databaseUrl: server.url, schemaVersion: schema.applied, actor: 'worker-suite' }, now);
    out[tenant.id] = { url: server.url, authToken: workerSuite.groupToken, adminEmail: bootstrapAdmin!.email, adminPassword: bootstrapAdmin!.password };
  }

  // How many requests each tenant's database has served, for the Worker's tests to read.
  const counter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Object.fromEntries(Object.entries(byTenant).map(([id, srv]) => [id, srv.requests()]))));
  });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
  project.provide('databaseRequestsUrl', `http://127.0.0.1:${(counter.address() as { port: number }).port}/`);

  // A federation whose database server fails every request.
  const failing = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":"internal error"}');
  });
  await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
  await registry.create({ config: parseTenantConfig(fourthFederationConfig('broken'), 'broken'), databaseUrl: `http://127.0.0.1:${(failing.address() as { port: number }).port}`, schemaVersion: 0, actor: 'worker-suite' }, now);
  registryClient.close();

  const registryServer = await startHranaServer(join(dir, 'registry.db'), { authToken: workerSuite.registryToken, port: Number(process.env.WORKER_SUITE_REGISTRY_PORT) });
  servers.push(registryServer);
  project.provide('tenantDatabases', out);
  project.provide('registry', { url: registryServer.url, authToken: workerSuite.registryToken });
  // A real SMTP server on loopback; the worker reaches it over TCP sockets (worker-mailer).
  const smtp = await startSmtp({ port: Number(process.env.WORKER_SUITE_SMTP_PORT) });
  project.provide('smtp', { port: smtp.port, messagesUrl: await smtp.serveHttp() });
  const turso = await startTursoPlatformDouble({ dir, ...workerSuite.turso, groupToken: workerSuite.groupToken });
  project.provide('turso', { apiUrl: turso.apiUrl });
  project.provide('fourthFederation', fourthFederationConfig('jinan'));
  return async () => {
    await smtp.close();
    await turso.close();
    await new Promise<void>((r) => failing.close(() => r()));
    await new Promise<void>((r) => counter.close(() => r()));
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  };
}
