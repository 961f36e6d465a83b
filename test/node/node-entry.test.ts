import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync, statSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeServer } from '../../src/node.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { TENANTS_DIR } from '../support/node-app.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'grassroots-entry-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('npm start: the embedded default', () => {
  it('creates one libSQL file per tenant under DATA_DIR, prints each bootstrap admin once, and serves HTTP', async () => {
    const dataDir = tmp();
    const printed: string[] = [];
    const vars = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1', TENANTS_DIR };
    const server = await startNodeServer(vars, silentLogger, (s) => printed.push(s));
    try {
      for (const id of ['lixia', 'binzhou', 'harbin']) expect(existsSync(join(dataDir, `${id}.db`))).toBe(true);
      expect(statSync(join(dataDir, '.jwt-secret')).mode & 0o077).toBe(0);
      const out = printed.join('\n');
      const password = /\[harbin\][\s\S]*?password: (\S+)/.exec(out)![1];
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const login = await fetch(`${base}/v1/harbin/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'hrbwomen@126.com', password }) });
      expect(login.status).toBe(200);
    } finally {
      await server.close();
    }
    // A second start on the same data prints no password and keeps the same secret.
    const secret = readFileSync(join(dataDir, '.jwt-secret'), 'utf8');
    const again: string[] = [];
    const second = await startNodeServer(vars, silentLogger, (s) => again.push(s));
    await second.close();
    expect(again.join('\n')).not.toMatch(/password:/);
    expect(readFileSync(join(dataDir, '.jwt-secret'), 'utf8')).toBe(secret);
  });

  it('an invalid tenant config stops start-up with a message naming the file and the field', async () => {
    const tenantsDir = tmp();
    mkdirSync(tenantsDir, { recursive: true });
    const bad = JSON.parse(readFileSync(join(TENANTS_DIR, 'lixia.json'), 'utf8'));
    bad.orgUnits.children[0].level = 'province';
    writeFileSync(join(tenantsDir, 'lixia.json'), JSON.stringify(bad));
    await expect(startNodeServer({ DATA_DIR: tmp(), PORT: '0', DISABLE_CRON: '1', TENANTS_DIR: tenantsDir }, silentLogger, () => {})).rejects.toThrow(
      /lixia\.json[\s\S]*orgUnits\.children\.0\.level/,
    );
  });

  it('a fourth federation joins with a config file alone', async () => {
    const tenantsDir = tmp();
    for (const id of ['lixia', 'binzhou', 'harbin']) writeFileSync(join(tenantsDir, `${id}.json`), readFileSync(join(TENANTS_DIR, `${id}.json`)));
    writeFileSync(
      join(tenantsDir, 'shizhong.json'),
      JSON.stringify({
        id: 'shizhong',
        name: '济南市市中区妇女联合会',
        timeZone: 'Asia/Shanghai',
        locale: 'zh-CN',
        contactEmail: 'shizhong@grassroots.example',
        documents: [],
        orgUnits: { id: 'shizhong', name: '市中区妇联', level: 'district', type: 'federation', children: [{ id: 'dawei', name: '大观园街道妇联', level: 'street', type: 'federation' }] },
        rules: [],
      }),
    );
    const dataDir = tmp();
    const server = await startNodeServer({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DISABLE_CRON: '1', TENANTS_DIR: tenantsDir }, silentLogger, () => {});
    try {
      const list = (await (await fetch(`http://127.0.0.1:${server.port}/v1/tenants`)).json()) as { items: { id: string }[] };
      expect(list.items.map((t) => t.id)).toContain('shizhong');
      expect(existsSync(join(dataDir, 'shizhong.db'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
