/**
 * TEST DOUBLE of Turso's Platform API (never used outside tests): the two endpoints that
 * `@tursodatabase/api` calls when Grassroots creates a tenant's database —
 *   POST /v1/organizations/{org}/databases        {name, group} → {database: {DbId, Hostname, Name}}
 *   GET  /v1/organizations/{org}/databases/{name}                → {database: {…}}
 * with Turso's status codes (401 for a wrong API token, 409 for a name taken, 404 for an unknown
 * group). Each "database" is a real libSQL file served over HTTP by the local sqld stand-in, opened
 * with the group token, as a Turso group token opens every database in its group.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startHranaServer, type HranaServer } from '../../scripts/local-hrana-server.ts';

export interface TursoPlatformDouble {
  /** The Platform API base (TURSO_API_URL). */
  apiUrl: string;
  /** Names of the databases created, in order. */
  created: string[];
  /** The servers of the created databases, by name (to count their requests or stop one). */
  servers: Map<string, HranaServer>;
  close(): Promise<void>;
}

export async function startTursoPlatformDouble(opts: { dir: string; org: string; group: string; apiToken: string; groupToken: string }): Promise<TursoPlatformDouble> {
  const servers = new Map<string, HranaServer>();
  const created: string[] = [];
  const record = (name: string) => ({ DbId: `db-${name}`, Name: name, Hostname: servers.get(name)!.url.replace(/^https?:\/\//, ''), group: opts.group });
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${opts.apiToken}`) return send(401, { error: 'invalid token' });
    const chunks: Buffer[] = [];
    for await (const ch of req) chunks.push(ch as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const base = `/v1/organizations/${opts.org}/databases`;
    if (req.method === 'POST' && path === base) {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { name?: string; group?: string };
      if (!body.name || !/^[a-z0-9-]{1,64}$/.test(body.name)) return send(400, { error: 'invalid database name' });
      if (body.group !== opts.group) return send(404, { error: `group ${body.group} not found` });
      if (servers.has(body.name)) return send(409, { error: 'database already exists' });
      servers.set(body.name, await startHranaServer(join(opts.dir, `${body.name}.db`), { authToken: opts.groupToken }));
      created.push(body.name);
      return send(200, { database: record(body.name) });
    }
    const one = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined;
    if (req.method === 'GET' && one) return servers.has(one) ? send(200, { database: record(one) }) : send(404, { error: 'database not found' });
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/v1/`,
    created,
    servers,
    async close() {
      await Promise.all([...servers.values()].map((s) => s.close()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
