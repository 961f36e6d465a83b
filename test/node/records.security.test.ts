import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, countRows, type TestApp } from '../support/node-app.ts';
import { sampleBodies } from '../support/samples.ts';

let t: TestApp;
let admin: string;
let a: { id: string; token: string };
let b: { id: string; token: string };
let sup: { id: string; token: string };
let samples: ReturnType<typeof sampleBodies>;
const ids: Record<string, string> = {};

type View = Record<string, unknown> & { id: string; redacted?: string[] };
const post = (path: string, token: string, json: unknown, headers: Record<string, string> = {}) => t.request(`/v1/binzhou/${path}`, { method: 'POST', token, json, headers });

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  a = await addUser(t, 'binzhou', { name: '干部甲', email: 'a@bz.cn', password: 'pass-a-123', duty: 'office_cadre', orgUnitId: 'bincheng' });
  b = await addUser(t, 'binzhou', { name: '干部乙', email: 'b@bz.cn', password: 'pass-b-123', duty: 'office_cadre', orgUnitId: 'huimin' });
  sup = await addUser(t, 'binzhou', { name: '滨城督导', email: 's@bz.cn', password: 'pass-s-123', access: 'supervisor', orgUnitId: 'bincheng' });
  const h = await post('households', a.token, { orgUnitId: 'bincheng', address: '滨城区某路3号' });
  samples = sampleBodies({ householdId: ((await h.json()) as View).id });
  ids.tripB = ((await (await post('field-trips', b.token, { ...samples['field-trips'].body, orgUnitId: 'sunwu' })).json()) as View).id;
  ids.tripA = ((await (await post('field-trips', a.token, samples['field-trips'].body)).json()) as View).id;
  ids.petition = ((await (await post('petitions', admin, { ...samples.petitions.body, orgUnitId: 'shizhong', personId: a.id })).json()) as View).id;
});
afterAll(() => t.close());

describe('records: who may read', () => {
  it("a member cannot read, change or delete another member's record (404)", async () => {
    expect((await t.request(`/v1/binzhou/field-trips/${ids.tripB}`, { token: a.token })).status).toBe(404);
    expect((await t.request(`/v1/binzhou/field-trips/${ids.tripB}`, { method: 'PATCH', token: a.token, json: { purpose: '改' } })).status).toBe(404);
    expect((await t.request(`/v1/binzhou/field-trips/${ids.tripB}`, { method: 'DELETE', token: a.token })).status).toBe(404);
    const list = (await (await t.request('/v1/binzhou/field-trips', { token: a.token })).json()) as { items: View[] };
    expect(list.items.map((x) => x.id)).toEqual([ids.tripA]);
  });

  it("a supervisor reads her county's records (its units' and its people's), not another county's", async () => {
    expect((await t.request(`/v1/binzhou/field-trips/${ids.tripA}`, { token: sup.token })).status).toBe(200);
    expect((await t.request(`/v1/binzhou/field-trips/${ids.tripB}`, { token: sup.token })).status).toBe(404);
    expect((await t.request(`/v1/binzhou/petitions/${ids.petition}`, { token: sup.token })).status).toBe(200);
  });

  it('a supervisor reading a petition she does not handle sees no petitioner details; the handler and admins do', async () => {
    const bySup = (await (await t.request(`/v1/binzhou/petitions/${ids.petition}`, { token: sup.token })).json()) as View;
    expect([bySup.petitionerName, bySup.petitionerPhone, bySup.summary]).toEqual([null, null, null]);
    expect(bySup.redacted).toEqual(['summary', 'petitionerName', 'petitionerPhone']);
    const byHandler = (await (await t.request(`/v1/binzhou/petitions/${ids.petition}`, { token: a.token })).json()) as View;
    expect(byHandler.petitionerName).toBe('来访人甲');
    const byAdmin = (await (await t.request(`/v1/binzhou/petitions/${ids.petition}`, { token: admin })).json()) as View;
    expect(byAdmin.petitionerPhone).toBe('13800000000');
  });

  it('reads of petitions and of records about minors are audited; petitioner and child details never enter the log', async () => {
    const child = await post('pairings', a.token, samples.pairings.body);
    const childId = ((await child.json()) as View).id;
    await t.request(`/v1/binzhou/pairings/${childId}`, { token: sup.token });
    await t.request('/v1/binzhou/petitions', { token: sup.token });
    const audit = (await (await t.request('/v1/binzhou/audit?action=read&limit=200', { token: admin })).json()) as { items: { resource: string; recordId: string | null; actorId: string; changes: unknown }[] };
    expect(audit.items.some((e) => e.resource === 'pairings' && e.recordId === childId && e.actorId === sup.id)).toBe(true);
    expect(audit.items.some((e) => e.resource === 'petitions' && JSON.stringify(e.changes).includes(ids.petition))).toBe(true);
    const all = JSON.stringify(await (await t.request('/v1/binzhou/audit?limit=200', { token: admin })).json());
    expect(all).not.toContain('来访人甲');
    expect(all).not.toContain('13800000000');
    expect(all).not.toContain('小明');
    expect(all).toContain('"petitionerName":[null,"***"]');
  });

  it('only admins read the audit log', async () => {
    expect((await t.request('/v1/binzhou/audit', { token: sup.token })).status).toBe(403);
  });
});

describe('records: who may write', () => {
  it('a member cannot record work for another person (403) and nothing is written', async () => {
    const before = await countRows(t, 'binzhou', 'field_trips');
    const res = await post('field-trips', a.token, { ...samples['field-trips'].body, personId: b.id });
    expect(res.status).toBe(403);
    expect(await countRows(t, 'binzhou', 'field_trips')).toBe(before);
  });

  it('members may not record submissions or inspections; a supervisor may, for her subtree only', async () => {
    expect((await post('submissions', a.token, samples.submissions.body)).status).toBe(403);
    expect((await post('inspections', a.token, samples.inspections.body)).status).toBe(403);
    expect((await post('submissions', sup.token, samples.submissions.body)).status).toBe(201);
    expect((await post('submissions', sup.token, { ...samples.submissions.body, orgUnitId: 'shizhong' })).status).toBe(201);
    expect((await post('submissions', sup.token, { ...samples.submissions.body, orgUnitId: 'huimin' })).status).toBe(403);
    expect((await post('inspections', sup.token, { ...samples.inspections.body, orgUnitId: 'huimin' })).status).toBe(403);
  });

  it("a unit's record (a needs-ledger entry) by a member must be for her own unit or below", async () => {
    expect((await post('needs', a.token, { ...samples.needs.body, orgUnitId: 'shizhong' })).status).toBe(201);
    expect((await post('needs', a.token, { ...samples.needs.body, orgUnitId: 'huimin' })).status).toBe(403);
  });

  it("ids that do not exist in this tenant, or that the caller cannot see, are rejected as unknown (400)", async () => {
    const lixiaAdmin = await t.adminToken('lixia');
    const lixiaHousehold = ((await (await t.request('/v1/lixia/households', { method: 'POST', token: lixiaAdmin, json: { orgUnitId: 'jianxin', address: '历下某处' } })).json()) as View).id;
    for (const [path, body, field] of [
      ['field-trips', { ...samples['field-trips'].body, orgUnitId: 'jianxin' }, 'orgUnitId'],
      ['household-visits', { householdId: lixiaHousehold, visitedOn: '2012-05-02' }, 'householdId'],
      ['diary-entries', { ...samples['diary-entries'].body, fieldTripId: ids.tripB }, 'fieldTripId'],
    ] as const) {
      const res = await post(path, a.token, body);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path), path).toEqual([field]);
    }
    expect((await t.request(`/v1/lixia/households/${lixiaHousehold}`, { token: admin })).status).toBe(403);
    expect((await t.request(`/v1/binzhou/households/${lixiaHousehold}`, { token: admin })).status).toBe(404);
  });

  it('null for a field that always holds a value (a flag, a default) is 400, not a server error', async () => {
    const need = ((await (await post('needs', a.token, samples.needs.body)).json()) as View).id;
    for (const json of [{ involvesMinor: null }, { status: null }]) {
      const res = await t.request(`/v1/binzhou/needs/${need}`, { method: 'PATCH', token: a.token, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect((await post('events', admin, { ...samples.events.body, participants: null })).status).toBe(400);
  });

  it('cross-field rules: an end before a start, a closed petition without a closing date', async () => {
    const trip = await post('field-trips', a.token, { ...samples['field-trips'].body, startDate: '2012-05-03', endDate: '2012-05-02' });
    expect(trip.status).toBe(400);
    const pet = await post('petitions', admin, { ...samples.petitions.body, status: 'closed' });
    expect(((await pet.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(['closedOn']);
  });
});

describe('a superior-assigned petition', () => {
  it('needs its deadline: without dueDate it is a 400 naming dueDate', async () => {
    const res = await post('petitions', admin, { ...samples.petitions.body, superiorAssigned: true });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(['dueDate']);
    expect((await post('petitions', admin, { ...samples.petitions.body, superiorAssigned: true, dueDate: '2012-06-20' })).status).toBe(201);
  });
});

describe('enumerated values that rules count by', () => {
  it('a service subtype with a typo is a 400 naming subtype, not a record that silently never counts', async () => {
    const res = await post('services', admin, { ...samples.services.body, subtype: 'poor_mothr' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(['subtype']);
    expect((await post('services', admin, { ...samples.services.body, subtype: 'two_cancer_screening' })).status).toBe(201);
  });
});

describe('Idempotency-Key', () => {
  it('a retried POST with the same key returns the first result and writes nothing new', async () => {
    const before = await countRows(t, 'binzhou', 'diary_entries');
    const first = await post('diary-entries', a.token, samples['diary-entries'].body, { 'idempotency-key': 'retry-1' });
    const second = await post('diary-entries', a.token, samples['diary-entries'].body, { 'idempotency-key': 'retry-1' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(await countRows(t, 'binzhou', 'diary_entries')).toBe(before + 1);
  });

  it('ten concurrent retries with one key write one row', async () => {
    const before = await countRows(t, 'binzhou', 'diary_entries');
    const all = await Promise.all(Array.from({ length: 10 }, () => post('diary-entries', a.token, samples['diary-entries'].body, { 'idempotency-key': 'burst-1' })));
    expect(all.every((r) => r.status === 201)).toBe(true);
    expect(new Set(await Promise.all(all.map(async (r) => ((await r.json()) as View).id))).size).toBe(1);
    expect(await countRows(t, 'binzhou', 'diary_entries')).toBe(before + 1);
  });

  it('the same key with a different body is 409; keys are per person', async () => {
    await post('diary-entries', a.token, samples['diary-entries'].body, { 'idempotency-key': 'k-2' });
    expect((await post('diary-entries', a.token, { ...samples['diary-entries'].body, content: '别的内容' }, { 'idempotency-key': 'k-2' })).status).toBe(409);
    const other = await post('diary-entries', b.token, samples['diary-entries'].body, { 'idempotency-key': 'k-2' });
    expect([other.status, other.headers.get('idempotent-replayed')]).toEqual([201, null]);
  });

  it('works on other POSTs too: creating a person twice with one key creates one', async () => {
    const before = await countRows(t, 'binzhou', 'people');
    for (let i = 0; i < 2; i++) expect((await t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: '幂等' }, headers: { 'idempotency-key': 'person-1' } })).status).toBe(201);
    expect(await countRows(t, 'binzhou', 'people')).toBe(before + 1);
  });

  it('three identical POST /people sent at once with one key: all 201, one person, the key reserved before the password is hashed', async () => {
    const before = await countRows(t, 'binzhou', 'people');
    const body = { name: '并发幂等', email: 'idem-burst@binzhou.cn', password: 'idem-pass-123' };
    const all = await Promise.all(Array.from({ length: 3 }, () => t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: body, headers: { 'idempotency-key': 'person-burst' } })));
    expect(all.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(all.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    expect(new Set(await Promise.all(all.map(async (r) => ((await r.json()) as View).id))).size).toBe(1);
    expect(await countRows(t, 'binzhou', 'people')).toBe(before + 1);
  });

  it('concurrent POST /org-units and POST /checks/run with one key each run once', async () => {
    const before = await countRows(t, 'binzhou', 'org_units');
    const unit = { name: '幂等组织', level: 'city', type: 'department', parentId: 'binzhou' };
    const units = await Promise.all(Array.from({ length: 3 }, () => t.request('/v1/binzhou/org-units', { method: 'POST', token: admin, json: unit, headers: { 'idempotency-key': 'unit-burst' } })));
    expect(units.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(await countRows(t, 'binzhou', 'org_units')).toBe(before + 1);
    const runsBefore = await countRows(t, 'binzhou', 'job_runs');
    const checks = await Promise.all(Array.from({ length: 3 }, () => t.request('/v1/binzhou/checks/run', { method: 'POST', token: admin, json: { asOf: '2012-04-21', dryRun: false }, headers: { 'idempotency-key': 'check-burst' } })));
    expect(checks.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(await Promise.all(checks.map((r) => r.text()))).size).toBe(1);
    expect(await countRows(t, 'binzhou', 'job_runs')).toBe(runsBefore + 1);
  });

  it('a request that fails releases its key: the same failing request is not replayed, and a corrected request with that key is created', async () => {
    const bad = await t.request('/v1/binzhou/org-units', { method: 'POST', token: admin, json: { name: '无上级', level: 'city', type: 'department', parentId: 'nowhere' }, headers: { 'idempotency-key': 'unit-fail' } });
    expect(bad.status).toBe(400);
    const again = await t.request('/v1/binzhou/org-units', { method: 'POST', token: admin, json: { name: '无上级', level: 'city', type: 'department', parentId: 'nowhere' }, headers: { 'idempotency-key': 'unit-fail' } });
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([400, null]);
    const fixed = await t.request('/v1/binzhou/org-units', { method: 'POST', token: admin, json: { name: '有上级', level: 'city', type: 'department', parentId: 'binzhou' }, headers: { 'idempotency-key': 'unit-fail' } });
    expect(fixed.status).toBe(201);
  });
});
