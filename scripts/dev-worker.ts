/**
 * `npm run dev:worker`: the Worker under `wrangler dev` against the same local
 * registry and tenant databases `npm start` uses (DATA_DIR, default data/).
 * Each tenant's file is migrated and provisioned here (a new bootstrap admin is
 * printed once), then the registry and every local tenant file are served over
 * libSQL's HTTP protocol on loopback by the local stand-in for sqld
 * (scripts/local-hrana-server.ts), because the Worker reaches databases over
 * HTTP only. wrangler gets REGISTRY_URL, each local file's address as the
 * LIBSQL_URL_<ID> override, a token per database,
 * the JWT secret of data/.jwt-secret (so `npx grassroots token` works against
 * it too) and PUBLIC_BASE_URL as --var; .dev.vars adds anything else (SMTP,
 * see .dev.vars.example). Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildNodeDeps, jwtSecret, nodeSettings } from '../src/node-runtime.ts';
import { prepareLocalTenants } from '../src/node.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { startHranaServer, type HranaServer } from './local-hrana-server.ts';

const vars = process.env;
const settings = nodeSettings(vars);
const port = vars.PORT ?? '8787';
const runtime = buildNodeDeps(vars, silentLogger);
await prepareLocalTenants(runtime, console.log);
const registered = await runtime.deps.tenants.list();
runtime.close();

const servers: HranaServer[] = [];
// The registry (data/registry.db) too: the Worker reads which federations exist from it, as on Cloudflare.
const registryToken = randomBytes(24).toString('base64url');
const registryServer = await startHranaServer(join(settings.dataDir, 'registry.db'), { authToken: registryToken });
servers.push(registryServer);
const tenantVars: string[] = ['--var', `REGISTRY_URL:${registryServer.url}`, '--var', `REGISTRY_AUTH_TOKEN:${registryToken}`];
for (const tenant of registered.filter((t) => !t.databaseUrl)) {
  const authToken = randomBytes(24).toString('base64url');
  const server = await startHranaServer(join(settings.dataDir, `${tenant.id}.db`), { authToken });
  servers.push(server);
  const suffix = tenant.id.toUpperCase().replace(/-/g, '_');
  tenantVars.push('--var', `LIBSQL_URL_${suffix}:${server.url}`, '--var', `LIBSQL_AUTH_TOKEN_${suffix}:${authToken}`);
  console.log(`[${tenant.id}] ${tenant.name}：本地数据库 ${join(settings.dataDir, `${tenant.id}.db`)} → ${server.url}`);
}

const args = ['dev', '--port', port, '--var', `JWT_SECRET:${jwtSecret(vars, settings.dataDir)}`, '--var', `PUBLIC_BASE_URL:${vars.PUBLIC_BASE_URL ?? `http://localhost:${port}`}`, ...tenantVars];
console.log(`\nwrangler dev：http://localhost:${port}（工作台；接口文档 /docs）。Ctrl-C 停止。\n`);
const wrangler = spawn(join(import.meta.dirname, '../node_modules/.bin/wrangler'), args, { stdio: 'inherit', env: { ...vars, WRANGLER_SEND_METRICS: 'false' } });

const stop = async (code: number) => {
  await Promise.all(servers.map((s) => s.close()));
  process.exit(code);
};
process.on('SIGINT', () => wrangler.kill('SIGINT'));
process.on('SIGTERM', () => wrangler.kill('SIGTERM'));
wrangler.on('exit', (code) => void stop(code ?? 0));
