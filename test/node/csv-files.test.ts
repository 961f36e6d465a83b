/**
 * Files people open in Excel: no cell runs as a formula, times read as
 * Beijing wall-clock time, and a GBK file (Excel's default on Chinese
 * Windows) is refused with how to save it as UTF-8, by the API and the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { makeTestApp, countRows, type TestApp } from '../support/node-app.ts';
import { main } from '../../src/cli/main.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await makeTestApp({ now: '2026-11-23T15:09:24.429Z' });
  admin = await t.adminToken('harbin');
});
afterAll(() => t.close());

const rowsOf = async (res: Response) => csvParseRows((await res.text()).replace(/^\uFEFF/, ''));

describe('CSV exports', () => {
  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)'])('a cell starting %j is exported as text with a leading apostrophe', async (purpose) => {
    const res = await t.request('/v1/harbin/field-trips', { method: 'POST', token: admin, json: { orgUnitId: 'daoli', startDate: '2017-04-10', endDate: '2017-04-12', purpose } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const rows = await rowsOf(await t.request('/v1/harbin/field-trips?format=csv', { token: admin }));
    const head = rows[0];
    const row = rows.find((r) => r[0] === id)!;
    expect(row[head.indexOf('事由')]).toBe(`'${purpose}`);
  });

  it('times are Beijing wall-clock time, and the header says so', async () => {
    const rows = await rowsOf(await t.request('/v1/harbin/field-trips?format=csv', { token: admin }));
    const head = rows[0];
    expect(head).toContain('创建时间（北京时间）');
    // 15:09:24 UTC is 23:09:24 in Beijing.
    expect(rows[1][head.indexOf('创建时间（北京时间）')]).toBe('2026-11-23 23:09:24');
  });
});

describe('GBK files', () => {
  // "组织ID,活动类型,名称,开始日期\ndaoli,培训,家政培训,2017-05-01" as Excel saves it on Chinese Windows.
  const gbk = Buffer.from('d7e9d6af49442cbbeeb6afc0e0d0cd2cc3fbb3c62cbfaacabcc8d5c6da0a64616f6c692cc5e0d1b52cbcd2d5fec5e0d1b52c323031372d30352d30310a', 'hex');

  it('the import API answers 400 INVALID_ENCODING with how to save as UTF-8, and writes nothing', async () => {
    const before = await countRows(t, 'harbin', 'events');
    const res = await t.request('/v1/harbin/import?resource=events', { method: 'POST', token: admin, headers: { 'content-type': 'text/csv' }, body: gbk });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code]).toEqual([400, 'INVALID_ENCODING']);
    expect(body.error.message).toContain('CSV UTF-8（逗号分隔）');
    expect(await countRows(t, 'harbin', 'events')).toBe(before);
  });

  it('grassroots import says the same, instead of 第 1 行 ��ԱID: 未知的列', async () => {
    const file = join(t.dir, 'events-gbk.csv');
    writeFileSync(file, gbk);
    const saved = { ...process.env };
    Object.assign(process.env, { DATA_DIR: t.dir, JWT_SECRET: 'csv-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
    try {
      await expect(main(['import', '--tenant', 'harbin', '--resource', 'events', file], () => {})).rejects.toThrow(/不是有效的 UTF-8 编码[\s\S]*CSV UTF-8（逗号分隔）/);
    } finally {
      process.env = saved;
    }
  });
});
