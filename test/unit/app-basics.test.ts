import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectLang } from '../../src/app.ts';
import { cronTable } from '../../src/jobs/index.ts';
import { renderDocsPage } from '../../src/routes/docs.ts';
import { tenantDatabaseFromVars } from '../../src/env.ts';

describe('language', () => {
  it('zh-CN by default; en only when English is preferred over Chinese', () => {
    expect(detectLang(undefined)).toBe('zh-CN');
    expect(detectLang('en')).toBe('en');
    expect(detectLang('en-US,en;q=0.9')).toBe('en');
    expect(detectLang('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(detectLang('zh;q=0.5,en;q=0.8')).toBe('en');
    expect(detectLang('fr')).toBe('zh-CN');
  });
});

describe('cron table', () => {
  it('wrangler.toml has exactly the crons the Node scheduler runs', () => {
    const toml = readFileSync(join(import.meta.dirname, '../../wrangler.toml'), 'utf8');
    const crons = JSON.parse(/^crons\s*=\s*(\[.*\])/m.exec(toml)![1]) as string[];
    expect(crons.sort()).toEqual(Object.keys(cronTable).sort());
    expect(cronTable['0 0 * * *']).toBe('daily-check');
  });
});

describe('tenant database settings', () => {
  it('reads LIBSQL_URL_<ID> and LIBSQL_AUTH_TOKEN_<ID>, with dashes as underscores', () => {
    expect(tenantDatabaseFromVars('new-zone', { LIBSQL_URL_NEW_ZONE: 'libsql://x.turso.io', LIBSQL_AUTH_TOKEN_NEW_ZONE: 't' })).toEqual({ url: 'libsql://x.turso.io', authToken: 't' });
    expect(tenantDatabaseFromVars('lixia', {})).toBeUndefined();
  });
});

describe('docs page', () => {
  it('escapes the title and loads only local files', () => {
    const html = renderDocsPage('<script>alert(1)</script>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
