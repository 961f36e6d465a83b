import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvColumnsPage, readmeWithRuleTests, ruleTests, rulesPage } from '../../scripts/gen-docs.ts';

const root = join(import.meta.dirname, '../..');

describe('generated reference pages', () => {
  it('docs/rules.md is what tenants/*.json say (run npm run docs after changing a config)', () => {
    expect(readFileSync(join(root, 'docs/rules.md'), 'utf8')).toBe(rulesPage(join(root, 'tenants')));
  });

  it('docs/csv-columns.md is what the record resources say (run npm run docs after changing a field)', () => {
    expect(readFileSync(join(root, 'docs/csv-columns.md'), 'utf8')).toBe(csvColumnsPage());
  });

  it('every rule of every tenant is on the rules page with its clause', () => {
    const page = rulesPage(join(root, 'tenants'));
    for (const id of ['B1', 'B12', 'L1', 'L-M1', 'H1', 'H11']) expect(page).toMatch(new RegExp(`\\| ${id} \\|`));
  });

  it('every catalogue line has at least one test named after it in test/node/rules', () => {
    const untested = [...ruleTests(join(root, 'tenants'), join(root, 'test/node/rules'))].filter(([, tests]) => tests.length === 0).map(([id]) => id);
    expect(untested).toEqual([]);
  });

  it("the README's line → test table is what the test names say (run npm run docs)", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toBe(readmeWithRuleTests(readme));
  });
});
