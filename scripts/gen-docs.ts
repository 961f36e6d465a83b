/**
 * `npm run docs`: writes the reference pages that come from configuration,
 * so that they never drift from it:
 * - docs/rules.md: each federation's documents and every rule with its
 *   document number, clause and our interpretation where the document is silent;
 * - docs/csv-columns.md: each record resource's CSV columns (Chinese header,
 *   field name, required, allowed values), for import and export;
 * - the README's table of which test checks each catalogue line (between the
 *   `rule-tests` markers), read from the test names in test/node/rules.
 * A unit test fails when the committed pages differ from what this writes.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTenantsFromDir } from '../src/tenants/load-dir.ts';
import { resources } from '../src/records/resources.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cell = (s: unknown) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function rulesPage(tenantsDir = `${root}tenants`): string {
  const out = ['# 考核规则 · Rules', '', '本页由 `npm run docs` 从 `tenants/*.json` 生成，请勿手改。每条规则注明文件文号与条款；文件未写明之处，“解释”一栏写明我们的理解（可在配置中修改）。', ''];
  for (const t of loadTenantsFromDir(tenantsDir).list()) {
    out.push(`## ${t.name}（${t.id}）`, '', '依据文件：', '');
    for (const d of t.documents) out.push(`- ${d.number}《${d.title}》${d.issuedOn ? `（${d.issuedOn}）` : ''}`);
    out.push('', '| 规则 | 事项 | 文件 | 条款 | 解释 |', '|---|---|---|---|---|');
    for (const r of t.rules) out.push(`| ${r.id} | ${cell(r.title)} | ${cell(r.source.document)} | ${cell(r.source.clause)} | ${cell(r.interpretation)} |`);
    out.push('');
  }
  return out.join('\n');
}

export function csvColumnsPage(): string {
  const out = [
    '# CSV 列 · CSV columns',
    '',
    '本页由 `npm run docs` 从记录类型的定义生成，请勿手改。导入时表头可用中文列名或字段名；枚举值可写代码或中文；六必访等类别用“、”分隔；日期为 YYYY-MM-DD；时间须带时区（如 2012-04-20T23:59:00+08:00）。文件须为 UTF-8（Excel：另存为“CSV UTF-8（逗号分隔）”）。导出另有“记录ID”“登记人ID”“创建时间（北京时间）”“更新时间（北京时间）”。',
    '',
  ];
  for (const def of resources) {
    out.push(`## ${def.label}（\`${def.path}\`）`, '', '| 中文列名 | 字段名 | 必填 | 取值 |', '|---|---|---|---|');
    for (const [name, spec] of Object.entries(def.fields)) {
      if (spec.readOnly) continue;
      const values = spec.values ? Object.entries(spec.values).map(([k, l]) => `${k} ${l}`).join('、') : spec.kind === 'date' ? '日期' : spec.kind === 'instant' ? '时间（带时区）' : spec.kind === 'bool' ? '是 / 否' : spec.kind === 'int' ? '整数' : spec.kind === 'ref' ? 'id' : '文本';
      out.push(`| ${cell(spec.label)} | ${name} | ${spec.required ? '是' : ''} | ${cell(values)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * Each catalogue line → the tests in test/node/rules whose name starts with it
 * ("B10: …", "L23 and L23-P: …", "L-M5…L-M11: …" covers the range).
 */
export function ruleTests(tenantsDir = `${root}tenants`, testsDir = `${root}test/node/rules`): Map<string, { file: string; name: string }[]> {
  const tenants = loadTenantsFromDir(tenantsDir).list();
  const order = tenants.flatMap((t) => t.rules.map((r) => r.id));
  const out = new Map<string, { file: string; name: string }[]>(order.map((id) => [id, []]));
  for (const file of readdirSync(testsDir).filter((f) => f.endsWith('.test.ts')).sort()) {
    const text = readFileSync(`${testsDir}/${file}`, 'utf8');
    for (const m of text.matchAll(/\bit\((['"`])((?:\\.|(?!\1).)*)\1/g)) {
      const name = m[2].replace(/\\(.)/g, '$1');
      const head = name.split(':')[0];
      const ids = new Set<string>();
      for (const range of head.matchAll(/([A-Z][A-Z0-9-]*\d)…([A-Z][A-Z0-9-]*\d)/g)) {
        const [a, b] = [order.indexOf(range[1]), order.indexOf(range[2])];
        if (a >= 0 && b >= a) order.slice(a, b + 1).forEach((id) => ids.add(id));
      }
      for (const tok of head.split(/[\s,、…]+|\band\b/)) if (out.has(tok)) ids.add(tok);
      for (const id of ids) out.get(id)!.push({ file: `test/node/rules/${file}`, name });
    }
  }
  return out;
}

export const RULE_TESTS_START = '<!-- rule-tests:start (npm run docs) -->';
export const RULE_TESTS_END = '<!-- rule-tests:end -->';

export function ruleTestsTable(tenantsDir?: string, testsDir?: string): string {
  const rows = ['| 规则 | 测试文件 | 测试（边界） |', '|---|---|---|'];
  for (const [id, tests] of ruleTests(tenantsDir, testsDir)) {
    if (!tests.length) rows.push(`| ${id} | — | — |`);
    for (const t of tests) rows.push(`| ${id} | \`${t.file.replace('test/node/rules/', '')}\` | ${cell(t.name)} |`);
  }
  return rows.join('\n');
}

/** The README with its rule-tests block rewritten. */
export function readmeWithRuleTests(readme: string): string {
  const a = readme.indexOf(RULE_TESTS_START);
  const b = readme.indexOf(RULE_TESTS_END);
  if (a < 0 || b < a) throw new Error('README.md lacks the rule-tests markers');
  return `${readme.slice(0, a + RULE_TESTS_START.length)}\n${ruleTestsTable()}\n${readme.slice(b)}`;
}

if (import.meta.main) {
  mkdirSync(`${root}docs`, { recursive: true });
  writeFileSync(`${root}docs/rules.md`, rulesPage());
  writeFileSync(`${root}docs/csv-columns.md`, csvColumnsPage());
  writeFileSync(`${root}README.md`, readmeWithRuleTests(readFileSync(`${root}README.md`, 'utf8')));
  console.log('docs/rules.md, docs/csv-columns.md, README.md (rule tests)');
}
