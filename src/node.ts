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
import { openApiDocument } from './lib/openapi-document.ts';
import { buildNodeDeps } from './node-runtime.ts';
import { migrateTenants } from './tenants/onboard.ts';
import { cronTable, runScheduled } from './jobs/index.ts';
import { jsonLogger, type Logger } from './lib/logger.ts';
import type { AppDeps } from './env.ts';

/** public/ (the browser files), relative to the working directory as serveStatic wants it. */
const PUBLIC_DIR = relative(process.cwd(), fileURLToPath(new URL('../public', import.meta.url))) || '.';

const adminText = (t: { id: string; name: string }, admin: { email: string; password: string }) =>
  `\n[${t.id}] ${t.name}：已创建初始管理员（密码只显示这一次，请登录后修改）\n  邮箱 email:    ${admin.email}\n  密码 password: ${admin.password}\n`;

/**
 * The registry and every tenant's database made ready: the founding federations of TENANTS_DIR
 * registered on first start, migrations applied, the org tree completed, and a bootstrap admin where
 * there is nobody yet (her one-time password is printed once). `npm start` and `npm run dev:worker`.
 */
export async function prepareLocalTenants(runtime: ReturnType<typeof buildNodeDeps>, print: (s: string) => void) {
  const { added, differing } = await runtime.prepareRegistry();
  for (const { tenant, bootstrapAdmin } of added) if (bootstrapAdmin) print(adminText(tenant, bootstrapAdmin));
  for (const report of await migrateTenants(runtime.deps, 'npm start')) {
    // One federation whose database cannot be reached does not keep the others from being served.
    if (report.error) print(`[${report.id}] 警告：数据库无法迁移（${report.error}），该妇联的请求会失败；请检查其数据库位置（npx grassroots tenant list）后运行 npx grassroots migrate --tenant ${report.id}`);
    if (report.bootstrapAdmin) print(adminText(report, report.bootstrapAdmin));
  }
  for (const d of differing)
    print(`[${d.id}] 提示：tenants/${d.id}.json 与正在使用的配置（第 ${d.version} 版）不同，文件未被采用。要采用它：npx grassroots tenant config set --tenant ${d.id} --config tenants/${d.id}.json（可先加 --dry-run 查看影响）`);
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
  const runtime = buildNodeDeps(vars, log);
  const { deps, settings } = runtime;
  await prepareLocalTenants(runtime, print);

  const app = createApp(deps, { assets: serveStatic({ root: PUBLIC_DIR }), openapi: openApiDocument });
  const crons = vars.DISABLE_CRON === '1' ? [] : startCrons(deps);

  const server = await new Promise<ReturnType<typeof serve>>((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, (info) => {
      log.info('listening', { port: info.port, dataDir: settings.dataDir });
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
      runtime.close();
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
