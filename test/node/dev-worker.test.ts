/**
 * `npm run dev:worker` as an operator runs it: one command, and the Worker
 * under wrangler dev (workerd) serves the local tenant files over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

let child: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'grassroots-devworker-'));
afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    process.kill(-child.pid, 'SIGINT');
    await new Promise((r) => child!.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run dev:worker', () => {
  it('starts wrangler dev on the local tenant files: the printed bootstrap admin logs in over the Worker, and the workbench answers', async () => {
    const port = await freePort();
    let out = '';
    child = spawn(process.execPath, ['scripts/dev-worker.ts'], { env: { ...process.env, DATA_DIR: dir, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const password = /\[binzhou\][^\n]*初始管理员[^\n]*\n\s*邮箱 email:\s*(\S+)\n\s*密码 password:\s*(\S+)/.exec(out);
    expect(password, out).not.toBeNull();
    const login = await fetch(`${base}/v1/binzhou/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: password![1], password: password![2] }) });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { token: string }).token).toMatch(/^ey/);
    const page = await fetch(`${base}/binzhou/login`);
    expect([page.status, (await page.text()).includes('登录')]).toEqual([200, true]);
  }, 90_000);
});
