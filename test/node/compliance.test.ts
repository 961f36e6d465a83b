import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, type TestApp } from '../support/node-app.ts';
import { recordWriters } from '../support/records.ts';

let t: TestApp;
let admin: string;
let cadreA: { id: string; token: string };
let cadreB: { id: string; token: string };
let supervisor: { id: string; token: string };
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();

type Item = { ruleId: string; subject: { id: string; type: string; orgUnitId: string | null }; status: string; statusLabel: string; period: { key: string }; due: string; source: { document: string; clause: string }; missing: string[] };
type List = { items: Item[]; nextCursor: string | null; summary: Record<string, number> };

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  cadreA = await addUser(t, 'binzhou', { name: '干部甲', email: 'a@bz.cn', password: 'pass-a-123', duty: 'office_cadre', orgUnitId: 'bincheng' });
  cadreB = await addUser(t, 'binzhou', { name: '干部乙', email: 'b@bz.cn', password: 'pass-b-123', duty: 'office_cadre', orgUnitId: 'huimin' });
  supervisor = await addUser(t, 'binzhou', { name: '滨城督导', email: 's@bz.cn', password: 'pass-s-123', access: 'supervisor', orgUnitId: 'bincheng' });
  const w = recordWriters(t.deps.database(t.tenant('binzhou')));
  await w.add.submission({ orgUnitId: 'bincheng', type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: bj('2012-04-18T10:00:00') });
  for (let i = 0; i < 10; i++) await w.add.visit({ personId: cadreA.id, visitedOn: `2012-05-${String(i + 10)}` });
});
afterAll(() => t.close());

const get = async (path: string, token = admin) => {
  const res = await t.request(path, { token });
  return { status: res.status, body: (await res.json()) as List & { error?: { code: string; fields?: { path: string }[] } } };
};

describe('compliance API', () => {
  it('GET /rules lists every rule with its document and clause', async () => {
    const { body } = await get('/v1/binzhou/rules');
    const rules = body.items as unknown as { id: string; source: { document: string; clause: string } }[];
    expect(rules.map((r) => r.id)).toEqual(['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'B10', 'B11', 'B12', 'B13', 'B14', 'B15', 'B16', 'B17', 'B18']);
    expect(rules.every((r) => r.source.document === '滨妇发[2012]15号' && r.source.clause)).toBe(true);
  });

  it('B10 as of 2012-04-21: the county that sent its plan is met, the other nine are missed', async () => {
    const { body } = await get('/v1/binzhou/compliance?asOf=2012-04-21&rule=B10');
    expect(body.summary.met).toBe(1);
    expect(body.summary.missed).toBe(9);
    const bincheng = body.items.find((r) => r.subject.id === 'bincheng')!;
    expect([bincheng.status, bincheng.statusLabel, bincheng.due]).toEqual(['met', '已达标', '2012-04-20']);
  });

  it('filters by status and pages with a cursor', async () => {
    const first = await get('/v1/binzhou/compliance?asOf=2012-04-21&rule=B10&status=missed&limit=4');
    expect(first.body.items).toHaveLength(4);
    expect(first.body.items.every((r) => r.status === 'missed')).toBe(true);
    const rest: Item[] = [];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await get(`/v1/binzhou/compliance?asOf=2012-04-21&rule=B10&status=missed&limit=4&cursor=${cursor}`);
      rest.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    const ids = [...first.body.items, ...rest].map((r) => r.subject.id);
    expect(ids).toHaveLength(9);
    expect(new Set(ids).size).toBe(9);
  });

  it('a supervisor sees her county and its streets, not other counties', async () => {
    const { body } = await get('/v1/binzhou/compliance?asOf=2012-06-01', supervisor.token);
    const units = new Set(body.items.filter((r) => r.subject.type === 'orgUnit').map((r) => r.subject.id));
    expect(units.has('bincheng')).toBe(true);
    expect(units.has('shizhong')).toBe(true);
    expect(units.has('huimin')).toBe(false);
    expect(body.items.some((r) => r.subject.id === cadreA.id)).toBe(true);
    expect(body.items.some((r) => r.subject.id === cadreB.id)).toBe(false);
    expect(body.items.some((r) => r.subject.type === 'tenant')).toBe(false);
  });

  it('a member sees only her own results; another person or unit is 404', async () => {
    const { body } = await get('/v1/binzhou/compliance?asOf=2012-10-01', cadreA.token);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((r) => r.subject.id === cadreA.id)).toBe(true);
    expect(body.items.find((r) => r.ruleId === 'B3')!.status).toBe('met');
    expect((await get(`/v1/binzhou/compliance/people/${cadreB.id}`, cadreA.token)).status).toBe(404);
    expect((await get('/v1/binzhou/compliance/org-units/bincheng', cadreA.token)).status).toBe(404);
  });

  it('one person: every rule about her, with what is missing', async () => {
    const { body } = await get(`/v1/binzhou/compliance/people/${cadreB.id}?asOf=2012-10-01`);
    const b3 = body.items.find((r) => r.ruleId === 'B3')!;
    expect([b3.status, b3.missing]).toEqual(['missed', ['入户走访户数还差 10户']]);
    expect(new Set(body.items.map((r) => r.ruleId))).toEqual(new Set(['B2', 'B3', 'B4', 'B5', 'B8']));
  });

  it('one org unit: its own rules; a supervisor outside it gets 404', async () => {
    const { body } = await get('/v1/binzhou/compliance/org-units/huimin?asOf=2012-04-21');
    expect(body.items.find((r) => r.ruleId === 'B10')!.status).toBe('missed');
    expect((await get('/v1/binzhou/compliance/org-units/huimin', supervisor.token)).status).toBe(404);
    expect((await get('/v1/binzhou/compliance/org-units/bincheng?asOf=2012-04-21', supervisor.token)).status).toBe(200);
  });

  it('GET /deadlines lists what falls due in a window, with its status as of now', async () => {
    const { body } = await get('/v1/binzhou/deadlines?from=2012-04-15&to=2012-04-30&asOf=2012-04-18T12:00:00%2B08:00');
    // The plan (B10, 20 April), the April needs ledger of every street (B6, 30 April), and the end of mobilisation (B13 plans, B14 meetings, 30 April).
    expect(new Set(body.items.map((r) => r.ruleId))).toEqual(new Set(['B10', 'B6', 'B13', 'B14']));
    expect(body.items.find((r) => r.subject.id === 'huimin')!.status).toBe('at_risk');
    expect(body.items.find((r) => r.subject.id === 'bincheng')!.status).toBe('met');
  });

  it('exports results as CSV for spreadsheets: BOM, Chinese headers and labels', async () => {
    const res = await t.request('/v1/binzhou/compliance?asOf=2012-04-21&rule=B10&format=csv', { token: admin });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\r\n');
    expect(lines[0]).toBe('规则,事项,依据,对象,期间,期限,状态,目标,完成,尚缺');
    expect(lines).toHaveLength(11);
    expect(lines.some((l) => l.startsWith('B10,') && l.includes('惠民县妇联') && l.includes('逾期未完成') && l.includes('活动方案还差 1份'))).toBe(true);
    const people = await (await t.request('/v1/binzhou/people?format=csv', { token: admin })).text();
    expect(people.split('\r\n')[0]).toBe('人员ID,姓名,邮箱,权限,职务,组织ID,电话');
    expect(people).toContain('干部甲,a@bz.cn,成员,机关干部,bincheng');
  });

  it('bad query values are 400 with the field named', async () => {
    const bad = await get('/v1/binzhou/compliance?asOf=yesterday&status=great');
    expect(bad.status).toBe(400);
    expect(bad.body.error!.fields!.map((f) => f.path).sort()).toEqual(['query.asOf', 'query.status.0']);
    expect((await get('/v1/binzhou/deadlines?from=2012-04-15')).status).toBe(400);
  });
});
