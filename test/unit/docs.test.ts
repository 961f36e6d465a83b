import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvColumnsPage, rulesPage } from '../../scripts/gen-docs.ts';

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
});
