/**
 * bin/grassroots.js runs the CLI from its bundle (dist/cli.mjs, scripts/build-cli.ts) only while
 * the bundle is newer than the sources, and rebuilds a stale one; the bundle behaves as the sources do.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TENANTS_DIR } from '../support/node-app.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bundle = join(root, 'dist', 'cli.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const cli = (entry: string, ...args: string[]) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grassroots-cli-bundle-'));
  dirs.push(dataDir);
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, TENANTS_DIR, JWT_SECRET: 'cli-bundle-secret-0123456789abcdefghijklmnopqrstuvwxyz' } });
  // Bootstrap passwords and check times differ between runs; the rest must not.
  return { status: r.status, out: r.stdout.replace(/ \/ \S{16}$/gm, ' / ********').replace(/查于 [\d-]+ [\d:]+/g, '查于 …').replaceAll(dataDir, 'DATA_DIR'), err: r.stderr };
};

describe('the CLI bundle', () => {
  it('a bundle older than the sources is rebuilt before it runs, and then prints what the TypeScript sources print (tenant list, usage error)', () => {
    cli('bin/grassroots.js', '--help'); // makes sure a bundle exists
    utimesSync(bundle, new Date(0), new Date(0));
    const bundled = cli('bin/grassroots.js', 'tenant', 'list');
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    const sources = cli('src/cli/main.ts', 'tenant', 'list');
    expect(bundled.status).toBe(0);
    expect(bundled.out).toContain('[harbin] 已登记 哈尔滨市妇女联合会');
    expect(bundled.out).toBe(sources.out);
    const wrong = [cli('bin/grassroots.js', 'frobnicate'), cli('src/cli/main.ts', 'frobnicate')];
    expect(wrong.map((w) => w.status)).toEqual([2, 2]);
    expect(wrong[0].err).toContain('未知命令 unknown command: frobnicate');
    expect(wrong[0].err).toBe(wrong[1].err);
  });
});
