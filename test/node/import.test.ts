import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp, addUser, countRows, type TestApp } from '../support/node-app.ts';
import { main } from '../../src/cli/main.ts';

let t: TestApp;
let admin: string;
let member: { id: string; token: string };
beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('harbin');
  member = await addUser(t, 'harbin', { name: '干部', email: 'm@hrb.cn', password: 'pass-m-123', duty: 'office_cadre', orgUnitId: 'daoli' });
});
afterAll(() => t.close());

const upload = (resource: string, body: string, type = 'text/csv', token = admin, headers: Record<string, string> = {}) =>
  t.request(`/v1/harbin/import?resource=${encodeURIComponent(resource)}`, { method: 'POST', token, headers: { 'content-type': type, ...headers }, body });
type Err = { error: { code: string; message: string; fields: { path: string; message: string }[] } };

describe('import', () => {
  it('CSV in UTF-8 with a BOM and Chinese headers imports every row, with Chinese enum labels', async () => {
    const csv = '\uFEFF组织ID,活动类型,名称,开始日期,结束日期,参与人数\r\ndaoli,下基层工作周,双月工作周,2017-04-10,2017-04-14,12\r\nnangang,培训,家政培训,2017-05-01,,40\r\n';
    const res = await upload('events', csv);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { imported: number; ids: string[] };
    expect(body.imported).toBe(2);
    const ev = (await (await t.request(`/v1/harbin/events/${body.ids[0]}`, { token: admin })).json()) as Record<string, unknown>;
    expect([ev.type, ev.endDate, ev.participants]).toEqual(['work_week', '2017-04-14', 12]);
    const second = (await (await t.request(`/v1/harbin/events/${body.ids[1]}`, { token: admin })).json()) as Record<string, unknown>;
    expect(second.endDate).toBe('2017-05-01');
  });

  it('CSV without a BOM, English headers, and 六必访 categories by label', async () => {
    const csv = 'orgUnitId,address,categories,hasMinor\ndaowai,道外区某街1号,留守家庭、矛盾纠纷,是\n';
    const res = await upload('住户', csv);
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { ids: string[] }).ids[0];
    const h = (await (await t.request(`/v1/harbin/households/${id}`, { token: admin })).json()) as Record<string, unknown>;
    expect([h.categories, h.hasMinor]).toEqual([['left_behind', 'dispute'], true]);
  });

  it('quoted fields keep their commas, quotes and line breaks; blank lines are skipped; a tab-separated file is refused naming its one unknown column, and writes nothing', async () => {
    const csv = '组织ID,活动类型,名称,开始日期\r\n\r\ndaoli,培训,"家政培训，""巾帼"", 第一期\r\n（南岗）",2017-07-01\r\n , , , \r\n';
    const res = await upload('events', csv);
    expect(res.status).toBe(201);
    const { imported, ids } = (await res.json()) as { imported: number; ids: string[] };
    expect(imported).toBe(1);
    const ev = (await (await t.request(`/v1/harbin/events/${ids[0]}`, { token: admin })).json()) as Record<string, unknown>;
    expect(ev.title).toBe('家政培训，"巾帼", 第一期\r\n（南岗）');
    const before = await countRows(t, 'harbin', 'events');
    const tsv = await upload('events', '组织ID\t活动类型\t名称\t开始日期\ndaoli\t培训\t家政培训\t2017-07-02\n');
    const body = (await tsv.json()) as Err;
    expect([tsv.status, body.error.fields[0].path, body.error.fields[0].message]).toEqual([400, 'rows.1.组织ID\t活动类型\t名称\t开始日期', expect.stringMatching(/^未知的列：组织ID\t活动类型/)]);
    expect(await countRows(t, 'harbin', 'events')).toBe(before);
  });

  it('one bad row: nothing is written, and each bad row is reported with its line number, its column as the file names it, and the reason', async () => {
    const before = await countRows(t, 'harbin', 'events');
    const csv = '组织ID,活动类型,名称,开始日期\ndaoli,培训,好行,2017-06-01\ndaoli,跳舞,坏行一,2017-06-01\nnowhere,培训,坏行二,2017-13-01\ndaoli,培训,好行二,2017-06-02\n';
    const res = await upload('events', csv);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Err;
    expect(body.error.message).toBe('有 2 行不合格，未导入任何记录');
    expect(body.error.fields.map((f) => f.path)).toEqual(['rows.3.活动类型', 'rows.4.开始日期']);
    expect(await countRows(t, 'harbin', 'events')).toBe(before);
    // Once the dates are valid, the unknown unit of line 4 is reported too.
    const fixed = csv.replace('跳舞', '培训').replace('2017-13-01', '2017-06-03');
    expect(((await (await upload('events', fixed)).json()) as Err).error.fields).toEqual([{ path: 'rows.4.组织ID', message: '组织ID不存在' }]);
  });

  it('references are looked up 500 ids to a query: a file naming 603 distinct units, 600 of them missing, reports each missing one on its line, finds the known ones in either chunk, and writes nothing', async () => {
    const before = await countRows(t, 'harbin', 'events');
    const known = ['daoli', 'nangang', 'daowai'];
    // nangang and daowai first appear after the 500th distinct id: found by the second query.
    const unitOf = (i: number) => (i % 2 === 1 ? `gone-${i}` : i < 1100 ? 'daoli' : known[i % 3]);
    const csv = ['orgUnitId,type,title,startDate', ...Array.from({ length: 1200 }, (_, i) => `${unitOf(i)},training,宣讲 ${i},2017-03-01`)].join('\n');
    const res = await upload('events', csv);
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as Err).error.fields;
    // Row i is on line i + 2 (the header is line 1).
    expect(fields.map((f) => f.path)).toEqual(Array.from({ length: 600 }, (_, k) => `rows.${2 * k + 3}.orgUnitId`));
    expect(new Set(fields.map((f) => f.message))).toEqual(new Set(['组织ID不存在']));
    expect(await countRows(t, 'harbin', 'events')).toBe(before);
  });

  it('an imported row is stored exactly as the same row POSTed: defaults for what the file leaves out (participants 0), booleans, categories, derived dates', async () => {
    const row = { orgUnitId: 'daoli', type: 'training', title: '导入与新增一致', startDate: '2017-06-05' };
    const imported = (await (await upload('events', JSON.stringify(row), 'application/x-ndjson')).json()) as { ids: string[] };
    const posted = (await (await t.request('/v1/harbin/events', { method: 'POST', token: admin, json: row })).json()) as { id: string };
    const household = { orgUnitId: 'daowai', address: '道外区某街2号', categories: ['left_behind'], hasMinor: true };
    const importedHousehold = (await (await upload('households', JSON.stringify(household), 'application/x-ndjson')).json()) as { ids: string[] };
    const postedHousehold = (await (await t.request('/v1/harbin/households', { method: 'POST', token: admin, json: household })).json()) as { id: string };
    const read = async (path: string) => {
      const { id, createdAt, updatedAt, ...rest } = (await (await t.request(path, { token: admin })).json()) as Record<string, unknown>;
      expect([typeof id, typeof createdAt, typeof updatedAt]).toEqual(['string', 'string', 'string']);
      return rest;
    };
    const event = await read(`/v1/harbin/events/${imported.ids[0]}`);
    expect(event).toEqual(await read(`/v1/harbin/events/${posted.id}`));
    expect([event.participants, event.endDate]).toEqual([0, '2017-06-05']);
    const home = await read(`/v1/harbin/households/${importedHousehold.ids[0]}`);
    expect(home).toEqual(await read(`/v1/harbin/households/${postedHousehold.id}`));
    expect([home.categories, home.hasMinor]).toEqual([['left_behind'], true]);
  });

  it('an unknown column is reported on line 1', async () => {
    const res = await upload('events', '组织ID,颜色\ndaoli,红\n');
    expect(((await res.json()) as Err).error.fields[0].path).toMatch(/^rows\.1\.颜色/);
  });

  it('NDJSON imports with the same checks; a member imports her own records only', async () => {
    const nd = ['{"startedOn":"2017-02-01","beneficiaryType":"woman"}', '', '{"startedOn":"2017-02-02","beneficiaryType":"woman"}'].join('\n');
    const ok = await upload('pairings', nd, 'application/x-ndjson', member.token);
    expect(ok.status).toBe(201);
    const other = await addUser(t, 'harbin', { name: '其他', email: 'o@hrb.cn', password: 'pass-o-123' });
    const bad = await upload('pairings', `{"personId":"${other.id}","startedOn":"2017-02-01","beneficiaryType":"woman"}\nnot json\n`, 'application/x-ndjson', member.token);
    expect(((await bad.json()) as Err).error.fields.map((f) => f.path)).toEqual(['rows.1.personId', 'rows.2']);
  });

  it('a retried import with the same Idempotency-Key imports once', async () => {
    const before = await countRows(t, 'harbin', 'needs');
    const csv = '组织ID,登记日期,需求\ndaoli,2017-04-02,技能培训\n';
    for (let i = 0; i < 2; i++) expect((await upload('needs', csv, 'text/csv', admin, { 'idempotency-key': 'imp-1' })).status).toBe(201);
    expect(await countRows(t, 'harbin', 'needs')).toBe(before + 1);
  });

  it('other content types are 415; an unknown resource is 400', async () => {
    expect((await upload('events', '{}', 'application/json')).status).toBe(415);
    expect((await upload('parties', 'a\n1\n')).status).toBe(400);
  });
});

describe('npx grassroots import', () => {
  it('imports a large CSV in one go, showing progress', async () => {
    const file = join(t.dir, 'needs.csv');
    const lines = ['组织ID,登记日期,需求'];
    for (let i = 0; i < 2500; i++) lines.push(`daoli,2017-04-${String((i % 28) + 1).padStart(2, '0')},需求${i}`);
    writeFileSync(file, '\uFEFF' + lines.join('\n'));
    const saved = { ...process.env };
    Object.assign(process.env, { DATA_DIR: t.dir, JWT_SECRET: 'cli-import-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
    const out: string[] = [];
    const before = await countRows(t, 'harbin', 'needs');
    try {
      expect(await main(['import', '--tenant', 'harbin', file], (s) => out.push(s))).toBe(0);
    } finally {
      process.env = saved;
    }
    expect(out).toContain('  已校验 1000/2500 行');
    expect(out).toContain('  已校验 2500/2500 行');
    expect(out.at(-1)).toBe('[harbin] 已导入 2500 条妇女需求台帐记录');
    expect(await countRows(t, 'harbin', 'needs')).toBe(before + 2500);
  });
});
