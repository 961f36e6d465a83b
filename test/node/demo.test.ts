import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, PASSWORD } from '../../scripts/demo.ts';
import { startNodeServer } from '../../src/node.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { TENANTS_DIR } from '../support/node-app.ts';
import { statuses } from '../../src/rules/status.ts';

const dir = mkdtempSync(join(tmpdir(), 'grassroots-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('fills all three tenants so that compliance shows every status, and the demo logins work', async () => {
    const printed: string[] = [];
    const vars = { DATA_DIR: dir, TENANTS_DIR, JWT_SECRET: 'demo-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz' };
    const tallies = await runDemo(vars, (s) => printed.push(s));
    for (const id of ['lixia', 'binzhou', 'harbin']) {
      // Every status a person must recognise; not_applicable too where a tenant has nothing to count (Lixia's tree has no communities).
      expect(Object.keys(tallies[id]).filter((s) => s !== 'not_applicable').sort(), id).toEqual(['at_risk', 'late', 'met', 'missed', 'on_track']);
    }
    expect(printed.join('\n')).toContain(`demo-admin@harbin.demo`);
    // The tallies read in Chinese: status labels, not identifiers.
    expect(printed.join('\n')).toMatch(new RegExp(`${statuses.on_track} \\d+`));
    expect(printed.join('\n')).not.toMatch(/on_track|missed \d/);
    const server = await startNodeServer({ ...vars, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1' }, silentLogger, () => {});
    try {
      const login = await fetch(`http://127.0.0.1:${server.port}/v1/binzhou/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'demo-cadre@binzhou.demo', password: PASSWORD }) });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/binzhou/compliance?asOf=2012-09-26`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { items: { subject: { type: string } }[] };
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.every((r) => r.subject.type === 'person')).toBe(true);
    } finally {
      await server.close();
    }
    // A second run leaves the data alone.
    const again: string[] = [];
    await runDemo(vars, (s) => again.push(s));
    expect(again.join('\n')).toContain('演示数据已存在，跳过');
  });
});
