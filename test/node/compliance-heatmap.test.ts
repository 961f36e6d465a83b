import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, type TestApp } from '../support/node-app.ts';
import { recordWriters } from '../support/records.ts';

let t: TestApp;
let admin: string;
let cadre: { id: string; token: string };
let supervisor: { id: string; token: string };
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();

interface Cell { orgUnitId: string; ruleId: string; status: string; met: number; total: number; counts: Record<string, number> }
interface Map { orgUnit: { id: string; path: { id: string }[] }; rows: { orgUnitId: string; self: boolean; hasChildren: boolean }[]; columns: { ruleId: string }[]; cells: Cell[] }

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  cadre = await addUser(t, 'binzhou', { name: '区妇联干部', email: 'c@bz.cn', password: 'pass-c-123', duty: 'office_cadre', orgUnitId: 'bincheng' });
  supervisor = await addUser(t, 'binzhou', { name: '滨城督导', email: 's@bz.cn', password: 'pass-s-123', access: 'supervisor', orgUnitId: 'bincheng' });
  const w = recordWriters(t.deps.database(t.tenant('binzhou')));
  await w.add.submission({ orgUnitId: 'bincheng', type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: bj('2012-04-18T10:00:00') });
});
afterAll(() => t.close());

const json = async <T>(path: string, token = admin) => {
  const res = await t.request(path, { token });
  return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
};
const cell = (map: Map, unit: string, rule: string) => map.cells.find((c) => c.orgUnitId === unit && c.ruleId === rule);

describe('GET /compliance/heatmap (督办热力图)', () => {
  it('B10 as of 2012-04-21: the county that sent its plan is a met cell (1/1), a county that did not is missed (0/1)', async () => {
    const { status, body } = await json<Map>('/v1/binzhou/compliance/heatmap?asOf=2012-04-21');
    expect(status).toBe(200);
    expect(body.rows[0]).toMatchObject({ orgUnitId: 'binzhou', self: true });
    expect(body.rows.find((r) => r.orgUnitId === 'bincheng')).toMatchObject({ self: false, hasChildren: true });
    expect(cell(body, 'bincheng', 'B10')).toMatchObject({ status: 'met', met: 1, total: 1 });
    expect(cell(body, 'huimin', 'B10')).toMatchObject({ status: 'missed', met: 0, total: 1 });
    expect(body.columns.map((c) => c.ruleId)).toContain('B10');
  });

  it('every cell counts exactly the results the list behind it shows (period=current, orgUnit, direct=true for 本级)', async () => {
    const { body } = await json<Map>('/v1/binzhou/compliance/heatmap?asOf=2012-06-01');
    for (const c of body.cells.filter((x) => ['B3', 'B10', 'B1'].includes(x.ruleId))) {
      const self = c.orgUnitId === 'binzhou';
      const list = await json<{ items: { status: string }[] }>(`/v1/binzhou/compliance?asOf=2012-06-01&rule=${c.ruleId}&orgUnit=${c.orgUnitId}&period=current&limit=1000${self ? '&direct=true' : ''}`);
      const listed = list.body.items;
      expect(listed.length, `${c.orgUnitId} × ${c.ruleId}`).toBe(Object.values(c.counts).reduce((a, b) => a + b, 0));
      expect(listed.filter((r) => r.status === 'met').length).toBe(c.met);
    }
  });

  it('a supervisor sees her county (本级, with its own cadre, and its streets) by default; another county is 404; a member is 403', async () => {
    const own = await json<Map>('/v1/binzhou/compliance/heatmap?asOf=2012-06-01', supervisor.token);
    expect(own.status).toBe(200);
    expect(own.body.orgUnit.id).toBe('bincheng');
    expect(own.body.rows.map((r) => r.orgUnitId)).toEqual(['bincheng', 'shizhong', 'shixi', 'pengli', 'beizhen']);
    expect(cell(own.body, 'bincheng', 'B3')).toMatchObject({ total: 1, met: 0 });
    const street = await json<Map>('/v1/binzhou/compliance/heatmap?asOf=2012-06-01&orgUnit=shizhong', supervisor.token);
    expect(street.body.orgUnit.path.map((u) => u.id)).toEqual(['bincheng', 'shizhong']);
    expect((await json('/v1/binzhou/compliance/heatmap?orgUnit=huimin', supervisor.token)).status).toBe(404);
    expect((await json('/v1/binzhou/compliance/heatmap?orgUnit=no-such-unit')).status).toBe(404);
    const member = await json('/v1/binzhou/compliance/heatmap', cadre.token);
    expect([member.status, member.body.error?.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('format=csv is the table on screen: one row per unit, one column per rule, cells as words and counts', async () => {
    const res = await t.request('/v1/binzhou/compliance/heatmap?asOf=2012-04-21&format=csv', { token: admin });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^组织,/);
    expect(lines[0]).toContain('B10 ');
    expect(lines.find((l) => l.startsWith('滨城区妇联,'))).toContain('已达标（达标 1/1）');
    expect(lines.find((l) => l.startsWith('惠民县妇联,'))).toContain('逾期未完成（达标 0/1）');
    expect(lines.find((l) => l.startsWith('滨州市妇联（本级）'))).toBeDefined();
  });

  it('bad queries are 400 with the field named and no change: an unknown parameter, an impossible asOf', async () => {
    const unknown = await json<{ error: { fields: { path: string }[] } }>('/v1/binzhou/compliance/heatmap?unit=bincheng');
    expect(unknown.status).toBe(400);
    const date = await json('/v1/binzhou/compliance/heatmap?asOf=2012-02-30');
    expect([date.status, date.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('GET /deadlines?format=csv', () => {
  it('exports the window with Chinese headers, as the calendar shows it', async () => {
    const res = await t.request('/v1/binzhou/deadlines?from=2012-04-01&to=2012-04-30&asOf=2012-04-21&format=csv', { token: admin });
    expect(res.status).toBe(200);
    const text = (await res.text()).replace(/^\uFEFF/, '');
    expect(text.split(/\r?\n/)[0]).toBe('规则,事项,依据,对象,期间,期限,状态,目标,完成,尚缺');
    expect(text).toContain('2012-04-20');
  });
});
