/**
 * Issue 13 on Node: a federation joins, pauses and resumes through the registry with one CLI
 * command each, while `npm start`'s server keeps running: no restart, no code change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { startNodeServer } from '../../src/node.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { runScheduled } from '../../src/jobs/index.ts';
import { availableMigrations } from '../../src/db/migrate.ts';
import { TENANTS_DIR } from '../support/node-app.ts';
import { writeFourthFederation } from '../support/fourth-federation.ts';
import { eventually } from '../support/eventually.ts';

const N = availableMigrations().length;
let dataDir: string;
let server: Awaited<ReturnType<typeof startNodeServer>>;
const saved = { ...process.env };
const run = async (...argv: string[]) => {
  const out: string[] = [];
  const code = await main(argv, (s) => out.push(s));
  return { code, out: out.join('\n') };
};
const api = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${server.port}${path}`, init);
const post = (path: string, body: unknown, token?: string) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'grassroots-onboard-'));
  // The server trusts its copy of the registry for 1 s here (15 s by default), so suspension tests need not wait long.
  Object.assign(process.env, { DATA_DIR: dataDir, TENANTS_DIR, JWT_SECRET: 'onboard-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz', REGISTRY_CACHE_SECONDS: '1' });
  server = await startNodeServer({ ...process.env, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1' }, silentLogger, () => {});
});
afterAll(async () => {
  await server.close();
  process.env = saved;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('grassroots tenant (the registry, from the CLI, beside a running server)', () => {
  it('npm start registered the three founding federations from tenants/*.json; tenant list shows them from the registry alone', async () => {
    const { out } = await run('tenant', 'list');
    for (const id of ['binzhou', 'harbin', 'lixia']) expect(out).toMatch(new RegExp(`^${id}\t[^\t]+\t服务中\tv1\t已是最新 \\(${N}/${N}\\)`, 'm'));
    expect(readdirSync(dataDir)).toContain('registry.db');
  });

  it('tenant create --config onboards a fourth federation in one command: the running server serves its API and pages at once, and its admin can start work', async () => {
    const file = writeFourthFederation(dataDir);
    const created = await run('tenant', 'create', '--config', file);
    expect(created.code).toBe(0);
    expect(created.out).toContain('[jinan] 已登记，配置第 1 版');
    const [, email, password] = /初始管理员（只显示一次，登录后须修改密码）: (\S+) \/ (\S+)/.exec(created.out)!;
    expect(email).toBe('jinan-fulian@grassroots.example');

    // No restart: the server finds the new id in the registry on its first request.
    const login = await eventually(() => post('/v1/jinan/auth/login', { email, password }), (r) => r.status === 200);
    expect(login.status).toBe(200);
    const first = ((await login.json()) as { token: string }).token;
    expect((await post('/v1/jinan/auth/password', { currentPassword: password, newPassword: 'jinan-new-pass-1' }, first)).status).toBe(204);
    const token = ((await (await post('/v1/jinan/auth/login', { email, password: 'jinan-new-pass-1' })).json()) as { token: string }).token;
    const units = (await (await api('/v1/jinan/org-units', { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { id: string }[] };
    expect(units.items.map((u) => u.id)).toContain('jinan');
    expect(((await (await api('/v1/tenants')).json()) as { items: { id: string }[] }).items.map((t) => t.id)).toEqual(['binzhou', 'harbin', 'jinan', 'lixia']);
    const page = await api('/jinan/login');
    expect([page.status, (await page.text()).includes('济南市妇女联合会（接入测试）')]).toEqual([200, true]);
    // A lixia token does not open the new tenant.
    const other = await run('token', '--tenant', 'jinan', '--email', email);
    expect(other.out).toMatch(/^ey/);

    expect((await run('tenant', 'list')).out).toMatch(new RegExp(`^jinan\t济南市妇女联合会（接入测试）\t服务中\tv1\t已是最新 \\(${N}/${N}\\)`, 'm'));
    expect(existsSync(join(dataDir, 'jinan.db'))).toBe(true);
  });

  it('tenant create refuses an invalid config (naming the field), a taken id and a reserved id, and creates nothing', async () => {
    const bad = writeFourthFederation(dataDir, 'wuhan', (c) => ((c as { timeZone: string }).timeZone = 'Mars/Olympus'));
    await expect(run('tenant', 'create', '--config', bad)).rejects.toThrow(/timeZone/);
    expect(existsSync(join(dataDir, 'wuhan.db'))).toBe(false);
    await expect(run('tenant', 'create', '--config', writeFourthFederation(dataDir))).rejects.toMatchObject({ code: 'CONFLICT', detail: { zh: expect.stringContaining('已登记') } });
    await expect(run('tenant', 'create', '--config', writeFourthFederation(dataDir, 'platform'))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'config.id', message: expect.stringContaining('保留字') }] });
    expect((await run('tenant', 'list')).out).not.toMatch(/^(wuhan|platform)\t/m);
  });

  it('tenant suspend stops the API, the pages and the daily check for that federation only; resume brings it back; history shows both', async () => {
    expect((await run('tenant', 'suspend', '--tenant', 'binzhou')).out).toContain('[binzhou] 已暂停');
    const refused = await eventually(() => post('/v1/binzhou/auth/login', { email: 'x@y.cn', password: 'whatever-1' }), (r) => r.status === 403);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TENANT_SUSPENDED', message: expect.stringContaining('已暂停') });
    const page = await api('/binzhou/login');
    expect([page.status, (await page.text()).includes('该妇联的服务已暂停')]).toEqual([403, true]);
    expect((await (await api('/v1/tenants')).json()) as object).toEqual({ items: expect.not.arrayContaining([expect.objectContaining({ id: 'binzhou' })]) });
    const outcomes = await runScheduled(server.deps, '0 0 * * *', new Date('2026-11-24T00:00:00Z'));
    expect(outcomes.map((o) => o.tenant).sort()).toEqual(['harbin', 'jinan', 'lixia']);
    expect((await post('/v1/lixia/auth/login', { email: 'x@y.cn', password: 'whatever-1' })).status).toBe(401);

    expect((await run('tenant', 'suspend', '--tenant', 'binzhou')).out).toContain('本来就是“已暂停”');
    expect((await run('tenant', 'resume', '--tenant', 'binzhou')).out).toContain('已恢复服务');
    expect((await eventually(() => post('/v1/binzhou/auth/login', { email: 'x@y.cn', password: 'whatever-1' }), (r) => r.status === 401)).status).toBe(401);
    const history = (await run('tenant', 'history', '--tenant', 'binzhou')).out;
    expect(history).toMatch(/v1\t.*\tfile:.*binzhou\.json/);
    expect(history.indexOf('恢复')).toBeLessThan(history.indexOf('暂停'));
  });

  it('tenant config set --dry-run changes nothing; without it the file becomes version 2; a stored config this build rejects takes only its federation down (503) until config set replaces it', async () => {
    const file = writeFourthFederation(dataDir);
    const dry = await run('tenant', 'config', 'set', '--tenant', 'jinan', '--config', file, '--dry-run');
    expect(dry.out).toMatch(/\[jinan\] 截至 .*：考核结果 \d+ 条 → \d+ 条；状态改变 0 条，新增 0 条，不再考核 0 条/);
    expect(dry.out).toContain('（演练：配置未改动）');
    expect((await run('tenant', 'list')).out).toMatch(/^jinan\t.*\tv1\t/m);

    // A config stored by an older build that this one no longer accepts (written here behind the registry's back).
    const { createClient } = await import('@libsql/client');
    const registry = createClient({ url: `file:${join(dataDir, 'registry.db')}` });
    await registry.execute(`update tenant_config_versions set config = json_set(config, '$.timeZone', 'Mars/Olympus') where tenant_id = 'jinan'`);
    registry.close();
    // The next start (an upgraded build) reads it: that federation is refused, the others start and serve.
    await server.close();
    server = await startNodeServer({ ...process.env, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1' }, silentLogger, () => {});
    const broken = await api('/v1/jinan/org-units');
    expect(((await broken.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'MISCONFIGURED', message: expect.stringContaining('jinan 的配置（第 1 版）未通过校验') });
    expect((await post('/v1/lixia/auth/login', { email: 'x@y.cn', password: 'whatever-1' })).status).toBe(401);

    const fixed = await run('tenant', 'config', 'set', '--tenant', 'jinan', '--config', file, '--note', '更正时区');
    expect(fixed.out).toContain('无法预览影响');
    expect(fixed.out).toContain('[jinan] 已启用配置第 2 版');
    expect((await eventually(() => api('/v1/jinan/org-units'), (r) => r.status === 401)).status).toBe(401);
    expect((await run('tenant', 'history', '--tenant', 'jinan')).out).toMatch(/v2\t.*\tcli:.*\t更正时区/);
  });

  it('migrate --all reports every registered tenant at the latest schema version and can be re-run', async () => {
    for (let i = 0; i < 2; i++) {
      const { code, out } = await run('migrate', '--all');
      expect(code).toBe(0);
      for (const id of ['binzhou', 'harbin', 'jinan', 'lixia']) expect(out).toContain(`[${id}] 结构版本 ${N} → ${N}（本次应用迁移 0 个）`);
    }
  });
});
