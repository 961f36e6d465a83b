/**
 * `npm run page-weight`: what each workbench page weighs over the wire, on the
 * demo data (three federations, every status). Logs in as the demo cadre and
 * the demo admin, fetches every page, and prints the gzip size of its HTML
 * plus the stylesheet it loads (the pages have no JavaScript). Exits 1 when a
 * page is over the budget of 100 KB gzip. A measurement, not a test: run it
 * after changing a page; npm test does not.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runDemo, PASSWORD } from './demo.ts';
import { startNodeServer } from '../src/node.ts';
import { silentLogger } from '../src/lib/logger.ts';

const BUDGET = 100 * 1024;
const ORIGIN = 'http://localhost';
const dir = mkdtempSync(join(tmpdir(), 'grassroots-weight-'));
const vars = { ...process.env, DATA_DIR: dir, DISABLE_CRON: '1', PORT: '0', PUBLIC_BASE_URL: ORIGIN };
const css = gzipSync(readFileSync(new URL('../public/assets/app.css', import.meta.url))).length;

try {
  await runDemo(vars, () => undefined);
  const server = await startNodeServer(vars, silentLogger, () => undefined);
  const app = server.app;

  async function logIn(tenant: string, email: string): Promise<string> {
    const res = await app.request(`${ORIGIN}/${tenant}/login`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password: PASSWORD }) });
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`login ${tenant}/${email} failed: ${res.status}`);
    return cookie;
  }
  async function idOf(tenant: string, cookie: string, path: string, pattern: RegExp): Promise<string | undefined> {
    const html = await (await app.request(`${ORIGIN}/${tenant}${path}`, { headers: { cookie } })).text();
    return pattern.exec(html)?.[1];
  }

  const rows: { page: string; status: number; html: number; gzip: number; total: number }[] = [];
  for (const tenant of ['lixia', 'binzhou', 'harbin']) {
    const cadre = await logIn(tenant, `demo-cadre@${tenant}.demo`);
    const admin = await logIn(tenant, `demo-admin@${tenant}.demo`);
    const visit = await idOf(tenant, cadre, '/records/household-visits', /records\/household-visits\/([0-9A-Z]{26})"/);
    const person = await idOf(tenant, admin, '/board/list', /board\/people\/([0-9A-Z]{26})"/);
    const pages: [string, string | undefined][] = [
      ['/login', undefined],
      ['/tasks', cadre],
      ['/records', cadre],
      ['/records/household-visits', cadre],
      ['/records/household-visits/new', cadre],
      ...(visit ? ([[`/records/household-visits/${visit}`, cadre]] as [string, string][]) : []),
      ['/board', admin],
      ['/board/list', admin],
      ['/board/calendar', admin],
      ['/board/overdue', admin],
      ...(person ? ([[`/board/people/${person}`, admin]] as [string, string][]) : []),
      ['/admin', admin],
      ['/admin/people', admin],
      ['/admin/org-units', admin],
      ['/admin/import', admin],
      ['/admin/outbox', admin],
      ['/admin/audit', admin],
    ];
    for (const [path, cookie] of pages) {
      const res = await app.request(`${ORIGIN}/${tenant}${path}`, { headers: cookie ? { cookie } : {} });
      const body = Buffer.from(await res.arrayBuffer());
      const gzip = gzipSync(body).length;
      rows.push({ page: `/${tenant}${path.replace(/[0-9A-Z]{26}/, '{id}')}`, status: res.status, html: body.length, gzip, total: gzip + css });
    }
  }
  await server.close();

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`工作台页面大小（演示数据；gzip 后，含样式表 ${kb(css)}；无 JavaScript；上限 ${kb(BUDGET)}）\n`);
  console.log(['页面'.padEnd(44), '状态', 'HTML'.padStart(10), 'gzip'.padStart(10), '合计'.padStart(10), ''].join(' '));
  for (const r of rows) console.log([r.page.padEnd(44), String(r.status).padEnd(4), kb(r.html).padStart(10), kb(r.gzip).padStart(10), kb(r.total).padStart(10), r.total > BUDGET ? '超出' : ''].join(' '));
  const worst = rows.reduce((a, b) => (b.total > a.total ? b : a));
  console.log(`\n最重的页面：${worst.page} ${kb(worst.total)}（上限的 ${((worst.total / BUDGET) * 100).toFixed(0)}%）`);
  const bad = rows.filter((r) => r.total > BUDGET || r.status !== 200);
  if (bad.length) {
    console.error(`未通过：${bad.map((r) => `${r.page}（${r.status}，${kb(r.total)}）`).join('、')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
