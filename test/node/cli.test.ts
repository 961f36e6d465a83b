import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { startNodeServer } from '../../src/node.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { TENANTS_DIR } from '../support/node-app.ts';
import { availableMigrations } from '../../src/db/migrate.ts';

const N = availableMigrations().length;

let dataDir: string;
const saved = { ...process.env };
const run = async (...argv: string[]) => {
  const out: string[] = [];
  const code = await main(argv, (s) => out.push(s));
  return { code, out: out.join('\n') };
};

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'grassroots-cli-'));
  Object.assign(process.env, { DATA_DIR: dataDir, TENANTS_DIR, JWT_SECRET: 'cli-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
});
afterAll(() => {
  process.env = saved;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npx grassroots', () => {
  it('the first command on a fresh DATA_DIR registers the founding federations, migrates them and prints each bootstrap admin once; migrate then has nothing to do', async () => {
    const first = await run('tenants');
    expect(first.out).toMatch(/\[lixia\] 已登记 济南市历下区妇女联合会（来自租户目录）\n  初始管理员（只显示一次）: lixia-fulian@grassroots.example \/ \S{16}/);
    expect(first.out).toMatch(new RegExp(`^lixia\t济南市历下区妇女联合会\t服务中\tv1\t已是最新 \\(${N}/${N}\\)`, 'm'));
    const second = await run('migrate', '--tenant', 'lixia');
    expect(second.out).toContain(`[lixia] 结构版本 ${N} → ${N}（本次应用迁移 0 个），新增组织 0 个`);
    expect(second.out).not.toContain('初始管理员');
    await expect(run('migrate', '--tenant', 'atlantis')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('user add creates a login; token prints a JWT that the API accepts for that tenant only', async () => {
    await run('migrate');
    const added = await run('user', 'add', '--tenant', 'lixia', '--email', 'Wang@Lixia.cn', '--password', 'wang-pass-1', '--access', 'supervisor', '--name', '王芳', '--duty', 'office_cadre', '--org-unit', 'jianxin');
    expect(added.out).toContain('已创建用户 wang@lixia.cn（督导）');
    const { out: token } = await run('token', '--tenant', 'lixia', '--email', 'wang@lixia.cn');
    const server = await startNodeServer({ ...process.env, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1' }, silentLogger, () => {});
    try {
      const me = await fetch(`http://127.0.0.1:${server.port}/v1/lixia/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { name: string; orgUnitId: string }).orgUnitId).toBe('jianxin');
      const other = await fetch(`http://127.0.0.1:${server.port}/v1/harbin/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(other.status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('user add rejects bad input with the field names and creates nothing', async () => {
    await expect(run('user', 'add', '--tenant', 'lixia', '--email', 'bad', '--password', 'short', '--access', 'boss')).rejects.toThrow(/--email[\s\S]*--password[\s\S]*--access/);
    await expect(run('user', 'add', '--tenant', 'atlantis', '--email', 'a@b.cn', '--password', 'long-enough', '--access', 'member')).rejects.toThrow(/unknown tenant: atlantis/);
    await expect(run('token', '--tenant', 'lixia', '--email', 'nobody@lixia.cn')).rejects.toThrow(/没有可登录的用户/);
  });

  it('check --dry-run lists the emails; check without it queues and writes them (.eml without SMTP)', async () => {
    await run('migrate', '--tenant', 'binzhou');
    const dry = await run('check', '--tenant', 'binzhou', '--as-of', '2012-04-21', '--dry-run');
    expect(dry.out).toMatch(/^\[binzhou\] 检查截至 2012-04-21 08:00（北京时间），补查 2012-04-20 之后到期的事项：计划 \d+ 封邮件/);
    // No county has a contact person yet: the admins get one list of what is overdue.
    expect(dry.out).toMatch(/将入队 {2}汇总 {2}binzhou-fulian@grassroots.example {2}【待分派】\d+项提醒或督办没有接收人（2012年4月21日）/);
    expect(dry.out).toContain('（演练：未入队、未发送）');
    expect(existsSync(join(dataDir, 'mail', 'binzhou'))).toBe(false);
    const real = await run('check', '--tenant', 'binzhou', '--as-of', '2012-04-21');
    const queued = Number(/入队 (\d+)，/.exec(real.out)![1]);
    expect(queued).toBeGreaterThan(0);
    expect(readdirSync(join(dataDir, 'mail', 'binzhou'))).toHaveLength(queued);
    expect((await run('check', '--tenant', 'binzhou', '--as-of', '2012-04-21')).out).toContain('入队 0，');
    // A dry run after the real one says the emails are already queued, not that they would be queued.
    const after = await run('check', '--tenant', 'binzhou', '--as-of', '2012-04-21', '--dry-run');
    expect(after.out).toMatch(/已在队 {2}汇总 {2}binzhou-fulian/);
    expect(after.out).not.toContain('将入队');
    await expect(run('check', '--tenant', 'binzhou', '--as-of', 'someday')).rejects.toThrow(/--as-of/);
  });

  it('compliance refresh evaluates every rule again for one tenant or all, and says how many results it stored', async () => {
    const one = await run('compliance', 'refresh', '--tenant', 'binzhou');
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^\[binzhou\] 已重新计算 \d{4}-\d{2}-\d{2}（北京时间）的考核结果：18 条规则，\d+ 条结果，用时 \d+ 毫秒$/);
    const all = await run('compliance', 'refresh', '--all');
    expect(all.out.split('\n').map((l) => l.slice(0, l.indexOf(']') + 1)).sort()).toEqual(['[binzhou]', '[harbin]', '[lixia]']);
    await expect(run('compliance', 'recount', '--tenant', 'binzhou')).rejects.toThrow('compliance refresh');
  });

  it('user reset-password gives a forgotten bootstrap admin a one-time password; the old one and old tokens stop working', async () => {
    await run('migrate', '--tenant', 'harbin');
    const { out: oldToken } = await run('token', '--tenant', 'harbin', '--email', 'hrbwomen@126.com');
    const reset = await run('user', 'reset-password', '--tenant', 'harbin', '--email', 'HRBwomen@126.com');
    expect(reset.out).toContain('已重置 hrbwomen@126.com 的密码，登录后须修改。');
    const password = /新密码（只显示这一次）: (\S{16})/.exec(reset.out)![1];
    const server = await startNodeServer({ ...process.env, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1' }, silentLogger, () => {});
    try {
      const base = `http://127.0.0.1:${server.port}/v1/harbin`;
      const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'hrbwomen@126.com', password }) });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { person: { mustChangePassword: boolean } }).person.mustChangePassword).toBe(true);
      expect((await fetch(`${base}/me`, { headers: { authorization: `Bearer ${oldToken}` } })).status).toBe(401);
    } finally {
      await server.close();
    }
    await expect(run('user', 'reset-password', '--tenant', 'harbin', '--email', 'nobody@hrb.cn')).rejects.toThrow(/没有用户 nobody@hrb.cn/);
  });
});
