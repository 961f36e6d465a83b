/**
 * Several processes on one tenant database, as an operator would have them:
 * the server (`node src/node.ts`) under concurrent API writes, two
 * `grassroots import` runs, a `grassroots check`, and a third process that
 * holds the write lock for 2 s. Nothing the server or the CLI confirmed may be
 * missing from the file afterwards (counted through a fresh connection after a
 * restart), no email may be sent twice, and no request may answer 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { runDemo, PASSWORD } from '../../scripts/demo.ts';
import { TENANTS_DIR } from '../support/node-app.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const ROOT = join(import.meta.dirname, '../..');
const TENANT = 'binzhou';
const AS_OF = '2012-09-26';
const IMPORT_ROWS = 1500;

let dir: string;
let smtp: TestSmtp;
let env: NodeJS.ProcessEnv;
const children = new Set<ChildProcess>();

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number>;
}

function run(args: string[], extra: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number>((r) => child.on('exit', (code) => (children.delete(child), r(code ?? -1))));
  return { child, out: () => out, exited };
}

async function waitFor(p: Proc, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  for (let i = 0; i < 600; i++) {
    const m = pattern.exec(p.out());
    if (m) return m;
    if (p.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start:\n${p.out()}`);
}

async function startServer(): Promise<{ proc: Proc; base: string }> {
  const proc = run(['src/node.ts'], { PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1' });
  const [, port] = await waitFor(proc, /已启动: http:\/\/localhost:(\d+)/, 'the server');
  return { proc, base: `http://127.0.0.1:${port}/v1/${TENANT}` };
}

async function stop(p: Proc) {
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grassroots-multi-'));
  smtp = await startSmtp();
  env = { ...process.env, DATA_DIR: dir, TENANTS_DIR, JWT_SECRET: 'multi-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz', ...smtp.vars };
  await runDemo({ DATA_DIR: dir, TENANTS_DIR, JWT_SECRET: env.JWT_SECRET! }, () => {});
  for (const n of [1, 2]) {
    const rows = Array.from({ length: IMPORT_ROWS }, (_, i) => `,2012-06-${String((i % 28) + 1).padStart(2, '0')},导入${n}-${i}`);
    writeFileSync(join(dir, `import-${n}.csv`), `personId,entryDate,content\n${rows.join('\n')}\n`);
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('several processes on one database file', () => {
  it('server writes, two imports, a check and a 2 s write lock from other processes: nothing confirmed is lost, no email twice, no 500', async () => {
    const file = join(dir, `${TENANT}.db`);
    const first = await startServer();
    const login = await fetch(`${first.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'demo-admin@binzhou.demo', password: PASSWORD }) });
    const { token, person } = (await login.json()) as { token: string; person: { id: string } };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const confirmed = { diary_entries: [] as string[], people: [] as string[], org_units: [] as string[] };
    const statuses: Record<number, number> = {};
    const otherProcesses: Promise<unknown>[] = [];

    // A third process takes the write lock; the others start while it holds it.
    const holder = run(['test/support/hold-lock.ts', file, '2000']);
    await waitFor(holder, /locked/, 'the lock holder');
    const imports = [1, 2].map((n) => run(['bin/grassroots.js', 'import', '--tenant', TENANT, '--resource', 'diary-entries', join(dir, `import-${n}.csv`)]));
    const check = run(['bin/grassroots.js', 'check', '--tenant', TENANT, '--as-of', AS_OF]);
    otherProcesses.push(holder.exited, check.exited, ...imports.map((p) => p.exited));
    let othersDone = false;
    void Promise.all(otherProcesses).then(() => (othersDone = true));

    const post = async (table: keyof typeof confirmed, path: string, body: unknown) => {
      const res = await fetch(`${first.base}/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const json = (await res.json()) as { id?: string };
      if (res.status === 201) confirmed[table].push(json.id!);
      else expect(res.status, JSON.stringify(json)).toBe(503);
      if (res.status === 503) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    };
    const serverCheck = fetch(`${first.base}/checks/run`, { method: 'POST', headers, body: JSON.stringify({ asOf: AS_OF }) });
    const writer = async (w: number) => {
      for (let i = 0; !othersDone || i < 10; i++) {
        const tag = `${w}-${i}`;
        if (i % 3 === 0) await post('diary_entries', 'diary-entries', { personId: person.id, entryDate: '2012-07-01', content: `并发写入 ${tag}` });
        else if (i % 3 === 1) await post('people', 'people', { name: `并发人员${tag}`, orgUnitId: 'binzhou' });
        else await post('org_units', 'org-units', { name: `并发组织${tag}`, level: 'city', type: 'department', parentId: 'binzhou' });
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, w) => writer(w)));
    const checkRes = await serverCheck;
    expect(checkRes.status, await checkRes.clone().text()).toBe(200);
    const serverSent = ((await checkRes.json()) as { delivery: { sent: number } }).delivery.sent;

    expect(await holder.exited).toBe(0);
    for (const p of imports) expect(await p.exited, p.out()).toBe(0);
    expect(await check.exited, check.out()).toBe(0);
    expect(statuses[500] ?? 0).toBe(0);
    expect(confirmed.diary_entries.length + confirmed.people.length + confirmed.org_units.length).toBeGreaterThan(100);
    await stop(first.proc);

    // After a restart, a check for the same day finds every notice already queued and sends nothing again.
    const second = await startServer();
    const again = await fetch(`${second.base}/checks/run`, { method: 'POST', headers, body: JSON.stringify({ asOf: AS_OF }) });
    const againBody = (await again.json()) as { enqueued: number; delivery: { sent: number } };
    expect([again.status, againBody.enqueued, againBody.delivery.sent]).toEqual([200, 0, 0]);
    await stop(second.proc);

    // What the API and the CLI confirmed is in the file, read through a connection of its own.
    const reader = createClient({ url: `file:${file}` });
    try {
      for (const [table, ids] of Object.entries(confirmed)) {
        const found = new Set<string>();
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          const rs = await reader.execute({ sql: `select id from ${table} where id in (${chunk.map(() => '?').join(',')})`, args: chunk });
          for (const r of rs.rows) found.add(String(r.id));
        }
        expect(ids.filter((id) => !found.has(id)), `${table}: confirmed but missing`).toEqual([]);
      }
      const imported = await reader.execute(`select count(*) as n from diary_entries where content like '导入%'`);
      expect(Number(imported.rows[0].n)).toBe(2 * IMPORT_ROWS);
      const sent = await reader.execute(`select count(*) as n from outbox where status = 'sent'`);
      // Every email the outbox counts as sent reached the SMTP server once, and none twice.
      const ids = smtp.messages.map((m) => m.messageId);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(Number(sent.rows[0].n));
      expect(serverSent).toBeLessThanOrEqual(ids.length);
    } finally {
      reader.close();
    }
  }, 120_000);
});
