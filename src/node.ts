/**
 * The embedded default: `npm start`. One Node process serves every tenant from
 * local libSQL files under DATA_DIR, migrates and provisions them at start,
 * and runs the same cron table as wrangler.toml in-process.
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { Cron } from 'croner';
import { createApp } from './app.ts';
import { buildNodeDeps } from './node-runtime.ts';
import { migrateTenantDb } from './db/migrate.ts';
import { provisionTenant } from './db/provision.ts';
import { cronTable, runScheduled } from './jobs/index.ts';
import { jsonLogger, type Logger } from './lib/logger.ts';
import type { AppDeps } from './env.ts';

/** public/ (the browser files), relative to the working directory as serveStatic wants it. */
const PUBLIC_DIR = relative(process.cwd(), fileURLToPath(new URL('../public', import.meta.url))) || '.';

/**
 * Every tenant's database made ready: WAL on local files, migrations applied, the root org unit and a
 * bootstrap admin on first start (her one-time password is printed once). `npm start` and `npm run dev:worker`.
 */
export async function prepareLocalTenants(deps: AppDeps, dbs: ReturnType<typeof buildNodeDeps>['dbs'], print: (s: string) => void) {
  for (const tenant of deps.tenants.list()) {
    await dbs.prepare(tenant);
    const db = deps.database(tenant);
    await migrateTenantDb(db);
    const result = await provisionTenant(db, tenant, deps.clock.now());
    if (result.bootstrapAdmin) {
      print(
        `\n[${tenant.id}] ${tenant.name}：已创建初始管理员（密码只显示这一次，请登录后修改）\n` +
          `  邮箱 email:    ${result.bootstrapAdmin.email}\n  密码 password: ${result.bootstrapAdmin.password}\n`,
      );
    }
  }
}

/** The cron table of wrangler.toml, run in-process (UTC); each firing calls the same job code as Workers' scheduled(). */
export function startCrons(deps: AppDeps): Cron[] {
  return Object.keys(cronTable).map(
    (expr) =>
      new Cron(expr, { timezone: 'UTC', protect: true, name: cronTable[expr] }, async (self: Cron) => {
        // The slot this firing stands for, as Workers' controller.scheduledTime would give it.
        await runScheduled(deps, expr, self.currentRun() ?? deps.clock.now());
      }),
  );
}

export async function startNodeServer(vars: NodeJS.ProcessEnv = process.env, log: Logger = jsonLogger(), print: (s: string) => void = console.log) {
  const { deps, settings, dbs } = buildNodeDeps(vars, log);
  await prepareLocalTenants(deps, dbs, print);

  const app = createApp(deps, { assets: serveStatic({ root: PUBLIC_DIR }) });
  const crons = vars.DISABLE_CRON === '1' ? [] : startCrons(deps);

  const server = await new Promise<ReturnType<typeof serve>>((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, (info) => {
      log.info('listening', { port: info.port, dataDir: settings.dataDir, tenants: deps.tenants.list().map((t) => t.id).join(',') });
      print(`Grassroots 已启动: http://localhost:${info.port}  （工作台：在浏览器中打开此地址，选择本单位登录；接口文档 /docs）`);
      resolveServer(s);
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;

  return {
    port,
    app,
    deps,
    async close() {
      for (const c of crons) c.stop();
      await new Promise<void>((r) => server.close(() => r()));
      dbs.close();
    },
  };
}

if (import.meta.main) {
  startNodeServer().then(
    (s) => {
      const stop = () => s.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
