/**
 * Node side of the worker suite: one real libSQL database file per tenant,
 * migrated and provisioned as `grassroots migrate` would, each served by the
 * test Hrana server with an auth token. The worker reaches them over HTTP only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { eq } from 'drizzle-orm';
import { people } from '../../db/schema.ts';
import type { TestProject } from 'vitest/node';
import { makeDb } from '../../src/db/client.ts';
import { migrateTenantDb } from '../../src/db/migrate.ts';
import { provisionTenant } from '../../src/db/provision.ts';
import { loadTenantsFromDir } from '../../src/tenants/load-dir.ts';
import { startHranaServer, type HranaServer } from '../../scripts/local-hrana-server.ts';
import { startSmtp } from '../support/smtp.ts';

export interface WorkerTenantDb {
  url: string;
  authToken: string;
  adminEmail: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tenantDatabases: Record<string, WorkerTenantDb>;
    smtp: { port: number; messagesUrl: string };
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-worker-'));
  const servers: HranaServer[] = [];
  const out: Record<string, WorkerTenantDb> = {};
  for (const tenant of loadTenantsFromDir(join(import.meta.dirname, '../../tenants')).list()) {
    const path = join(dir, `${tenant.id}.db`);
    const client = createClient({ url: `file:${path}` });
    const db = makeDb(client);
    await migrateTenantDb(db);
    const { bootstrapAdmin } = await provisionTenant(db, tenant, new Date());
    // As if she had already changed her first password (the Node suite tests the first login).
    await db.update(people).set({ mustChangePassword: false }).where(eq(people.email, bootstrapAdmin!.email));
    client.close();
    const authToken = `token-${tenant.id}`;
    const server = await startHranaServer(path, { authToken });
    servers.push(server);
    out[tenant.id] = { url: server.url, authToken, adminEmail: bootstrapAdmin!.email, adminPassword: bootstrapAdmin!.password };
  }
  project.provide('tenantDatabases', out);
  // A real SMTP server on loopback; the worker reaches it over TCP sockets (worker-mailer).
  const smtp = await startSmtp();
  project.provide('smtp', { port: smtp.port, messagesUrl: await smtp.serveHttp() });
  return async () => {
    await smtp.close();
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  };
}
