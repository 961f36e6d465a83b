/**
 * Materialised compliance results (src/rules/materialise.ts): after every step
 * of a random sequence of writes, edits, deletes, imports, people and org-unit
 * changes, direct writes by another program, config changes and new days, the
 * stored results are exactly what a full evaluation gives; and the API answers
 * the same from the stored results (no asOf) as it does by evaluating (asOf =
 * the same instant).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/node-app.ts';
import { recordWriters } from '../support/records.ts';
import { evaluateTenant } from '../../src/rules/engine.ts';
import { endOfDayInstant, materialisedWindow, refreshCompliance, resultRows } from '../../src/rules/materialise.ts';
import { addDays, localDate } from '../../src/lib/time.ts';
import type { TenantConfig } from '../../src/tenants/schema.ts';
import { recordKinds } from '../../src/domain/records.ts';

type Json = Record<string, unknown>;
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** A body for each kind, in unit `u`, on day `d`, for person `p`. */
const bodies: Record<string, (u: string, d: string, p: string) => Json> = {
  'field-trips': (u, d, p) => ({ personId: p, orgUnitId: u, startDate: d, endDate: addDays(d, Math.floor(rand() * 3)), purpose: '走访' }),
  'diary-entries': (_u, d, p) => ({ personId: p, entryDate: d, content: '走访记录' }),
  'research-reports': (u, d, p) => ({ personId: p, orgUnitId: u, title: '调研', topic: pick(['general', 'key_topic', 'womens_needs']), situation: '情况', analysis: '分析', recommendations: '建议', submittedOn: d }),
  'contact-points': (u, d, p) => ({ personId: p, orgUnitId: u, name: '联系点', isWeak: rand() < 0.5, establishedOn: d }),
  pairings: (_u, d, p) => ({ personId: p, beneficiaryType: pick(['poor_child', 'woman', 'grassroots_org', 'poor_woman']), beneficiaryName: pick(['甲', '乙', '丙']), startedOn: d }),
  events: (u, d, p) => ({ personId: p, orgUnitId: u, type: pick(['training', 'work_week', 'petition_reception', 'lecture']), title: '活动', startDate: d, endDate: addDays(d, Math.floor(rand() * 6)), participants: Math.floor(rand() * 50) }),
  petitions: (u, d) => ({ orgUnitId: u, channel: pick(['hotline', 'visit']), receivedOn: d, petitionerName: '来访人', summary: '纠纷', ...(rand() < 0.5 ? { closedOn: addDays(d, Math.floor(rand() * 20)) } : {}) }),
  submissions: (u, d) => ({ orgUnitId: u, type: pick(['progress', 'suggestion', 'info']), period: `${d.slice(0, 7)}/${addDays(d, 31).slice(0, 7)}`, title: '材料' }),
  needs: (u, d, p) => ({ personId: p, orgUnitId: u, recordedOn: d, need: '培训' }),
  services: (u, d) => ({ orgUnitId: u, category: 'care', subtype: 'poor_mother', servedOn: d, peopleServed: Math.floor(rand() * 20) }),
};
const patches: Record<string, (d: string) => Json> = {
  'field-trips': (d) => ({ startDate: d, endDate: d }),
  'diary-entries': (d) => ({ entryDate: d }),
  'research-reports': () => ({ topic: 'key_topic' }),
  'contact-points': () => ({ brandProject: '品牌' }),
  pairings: (d) => ({ endedOn: d }),
  events: () => ({ participants: 3 }),
  petitions: (d) => ({ closedOn: d }),
  submissions: () => ({ title: '材料（修订）' }),
  needs: () => ({ status: 'resolved' }),
  services: () => ({ peopleServed: 1 }),
};

interface StoredRow {
  rule_id: string;
  subject_type: string;
  subject_id: string;
  period_key: string;
  status: string;
  is_current: number;
  body: string;
}

describe.each([
  { tenant: 'binzhou', start: '2012-05-20T09:00:00+08:00' },
  { tenant: 'harbin', start: '2016-11-20T09:00:00+08:00' },
])('materialised results ($tenant)', ({ tenant: id, start }) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    seed = 7; // each tenant's sequence is its own, whatever ran before
    t = await makeTestApp({ now: start });
    admin = await t.adminToken(id);
  });
  afterAll(() => t.close());

  const api = async (method: string, path: string, json?: unknown, init: RequestInit = {}) => {
    const res = await t.request(`/v1/${id}${path}`, { method, token: admin, ...(json !== undefined ? { json } : {}), ...init });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const config = async (): Promise<TenantConfig> => (await t.deps.tenants.get(id))!.config;
  const db = () => t.deps.database(t.tenant(id));

  /** The stored rows, and the rows a full evaluation makes now, in one comparable form. */
  async function storedAndFull() {
    const tenant = await config();
    const day = localDate(t.deps.clock.now(), tenant.timeZone);
    const stored = await db().all<StoredRow>(sql`select rule_id, subject_type, subject_id, period_key, status, is_current, body from compliance_results`);
    const results = await evaluateTenant(db(), tenant, { asOf: endOfDayInstant(day, tenant.timeZone), window: materialisedWindow(day) });
    const full = resultRows(results, tenant, day);
    const key = (r: { k: string }) => r.k;
    const norm = (rows: { k: string; status: string; current: boolean; body: unknown }[]) => rows.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    return {
      stored: norm(stored.map((r) => ({ k: `${r.rule_id}|${r.subject_type}|${r.subject_id}|${r.period_key}`, status: r.status, current: !!r.is_current, body: JSON.parse(r.body) }))),
      full: norm(full.map((r) => ({ k: `${r.ruleId}|${r.subjectType}|${r.subjectId}|${r.periodKey}`, status: r.status, current: r.isCurrent, body: JSON.parse(JSON.stringify(r.body)) }))),
    };
  }

  it('stored results equal a full evaluation after each of 60 random writes, edits, deletes, imports, people, unit, config and day changes', async () => {
    const tenant = await config();
    const tree = (await api('GET', '/org-units?flat=true')).body.items as { id: string; level: string; type: string; parentId: string | null }[];
    const units = tree.map((u) => u.id);
    const below = tree.filter((u) => u.parentId !== null);
    const duties = ['leader', 'office_cadre', 'committee_member', 'grassroots_cadre'];
    const people: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await api('POST', '/people', { name: `干部${i}`, duty: pick(duties), orgUnitId: pick(units), access: 'member' });
      expect(res.status).toBe(201);
      people.push(String(res.body.id));
    }
    const created: { path: string; id: string }[] = [];
    const dayNow = () => localDate(t.deps.clock.now(), tenant.timeZone);
    const someDay = () => addDays(dayNow(), -Math.floor(rand() * 200) + 10);
    const log: string[] = [];
    let configEdits = 0;

    for (let step = 0; step < 60; step++) {
      const roll = rand();
      if (roll < 0.4 || created.length < 3) {
        const path = pick(Object.keys(bodies));
        const res = await api('POST', `/${path}`, bodies[path](pick(units), someDay(), pick(people)));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        created.push({ path, id: String(res.body.id) });
        log.push(`create ${path}`);
      } else if (roll < 0.5) {
        const r = pick(created);
        const res = await api('PATCH', `/${r.path}/${r.id}`, { ...patches[r.path](someDay()), ...('personId' in bodies[r.path]('x', dayNow(), 'p') && rand() < 0.5 ? { personId: pick(people) } : {}) });
        // A patched date can fall before the record's own start (an end before its beginning): refused, nothing written.
        if (res.status === 400) expect((res.body.error as Json).code).toBe('VALIDATION_FAILED');
        else expect([200, 404]).toContain(res.status);
        log.push(`patch ${r.path}`);
      } else if (roll < 0.58) {
        const r = pick(created);
        expect([204, 404]).toContain((await api('DELETE', `/${r.path}/${r.id}`)).status);
        log.push(`delete ${r.path}`);
      } else if (roll < 0.64) {
        const lines = Array.from({ length: 15 }, () => JSON.stringify(bodies['diary-entries']('', someDay(), pick(people)))).join('\n');
        const res = await t.request(`/v1/${id}/import?resource=diary-entries`, { method: 'POST', token: admin, headers: { 'content-type': 'application/x-ndjson' }, body: lines });
        expect(res.status, await res.clone().text()).toBe(201);
        log.push('import');
      } else if (roll < 0.72) {
        const p = pick(people);
        const res = await api('PATCH', `/people/${p}`, rand() < 0.5 ? { duty: pick(duties), effectiveFrom: dayNow() } : { orgUnitId: pick(units), name: `改名${step}` });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        log.push('person');
      } else if (roll < 0.76) {
        const res = await api('POST', '/people', { name: `新人${step}`, duty: pick(duties), orgUnitId: pick(units), access: 'member', dutyFrom: someDay() });
        expect(res.status).toBe(201);
        people.push(String(res.body.id));
        log.push('new person');
      } else if (roll < 0.79 && people.length > 4) {
        const p = people.splice(Math.floor(rand() * people.length), 1)[0];
        expect((await api('DELETE', `/people/${p}`)).status).toBe(204);
        log.push('remove person');
      } else if (roll < 0.83) {
        const sibling = pick(below); // a unit like one already there, beside it
        const res = await api('POST', '/org-units', { name: `新组织${step}`, level: sibling.level, type: sibling.type, parentId: sibling.parentId });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        units.push(String(res.body.id));
        log.push('unit');
      } else if (roll < 0.88) {
        // Another program writes straight into the database (a script, the CLI, a second server).
        await recordWriters(db()).add.diary({ personId: pick(people), entryDate: someDay(), enteredAt: t.deps.clock.now().toISOString() });
        log.push('direct write');
      } else if (roll < 0.93) {
        // A new config version: one rule's target changes.
        const current = await config();
        const rules = current.rules.map((r, i) => (i === configEdits % current.rules.length ? { ...r, title: `${r.title}（第${configEdits + 2}版）` } : r));
        configEdits++;
        await t.deps.tenants.setConfig(id, { ...current, rules }, 'test', t.deps.clock.now());
        log.push('config');
      } else {
        t.setNow(new Date(t.deps.clock.now().getTime() + (1 + Math.floor(rand() * 20)) * 86_400_000).toISOString());
        admin = await t.adminToken(id);
        log.push('day');
      }
      // A read brings the stored results up to date (the writes above already did, mostly).
      expect((await api('GET', '/compliance?limit=1')).status).toBe(200);
      const { stored, full } = await storedAndFull();
      expect(stored.length, `after: ${log.join(', ')}`).toBe(full.length);
      expect(stored, `after: ${log.join(', ')}`).toEqual(full);
    }
    expect(log.filter((x) => x === 'config').length).toBeGreaterThan(0);
    expect(log.filter((x) => x === 'day').length).toBeGreaterThan(0);
  });

  it('a new day (one to three days later, across month and year ends) brings the stored rows forward without a full evaluation: records dated ahead, trips under way, open cases, at-risk and due dates passing, periods entering and leaving the window', async () => {
    const tenant = await config();
    const tree = (await api('GET', '/org-units?flat=true')).body.items as { id: string }[];
    const units = tree.map((u) => u.id);
    const people = ((await api('GET', '/people?limit=100')).body.items as { id: string; deletedAt?: string | null }[]).map((p) => p.id);
    const modes: string[] = [];
    // A city leader on trips of several days (Binzhou's B1 counts the days of trips, up to today).
    const leader = await api('POST', '/people', { name: '出差领导', duty: 'leader', orgUnitId: tenant.orgUnits.id, access: 'member', dutyFrom: addDays(localDate(t.deps.clock.now(), tenant.timeZone), -400) });
    expect(leader.status, JSON.stringify(leader.body)).toBe(201);
    for (let step = 0; step < 40; step++) {
      const today = localDate(t.deps.clock.now(), tenant.timeZone);
      if (step % 4 === 0) {
        const trip = await api('POST', '/field-trips', { personId: leader.body.id, orgUnitId: pick(units), startDate: addDays(today, -1), endDate: addDays(today, 5 + Math.floor(rand() * 5)), purpose: '蹲点' });
        expect(trip.status, JSON.stringify(trip.body)).toBe(201);
      }
      // Records dated up to twelve days ahead: counting "by now" takes them in on their day, with no write then.
      for (let k = 0; k < 2; k++) {
        const path = pick(Object.keys(bodies));
        const res = await api('POST', `/${path}`, bodies[path](pick(units), addDays(today, Math.floor(rand() * 18) - 5), pick(people)));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
      // A case from an earlier period, past its own deadline, whose closing and entry dates lie ahead:
      // on those days it turns late (or met) with no write, in a period whose rows otherwise stand.
      const received = addDays(today, -40 - Math.floor(rand() * 30));
      const late = await api('POST', '/petitions', { orgUnitId: pick(units), channel: pick(['visit', 'hotline']), receivedOn: received, dueDate: addDays(received, 10), superiorAssigned: rand() < 0.5, closedOn: addDays(today, 1 + Math.floor(rand() * 4)), enteredSystemOn: addDays(today, Math.floor(rand() * 4)), petitionerName: '来访人', summary: '纠纷' });
      expect(late.status, JSON.stringify(late.body)).toBe(201);
      t.setNow(new Date(t.deps.clock.now().getTime() + (1 + Math.floor(rand() * 3)) * 86_400_000).toISOString());
      admin = await t.adminToken(id);
      const out = await refreshCompliance(db(), tenant, t.deps.clock.now());
      modes.push(out.mode);
      expect(out.applied).toBe(true);
      const { stored, full } = await storedAndFull();
      expect(stored, `step ${step}: ${today} → ${out.day} (${out.mode})`).toEqual(full);
    }
    expect(modes.every((m) => m === 'newDay'), modes.join(', ')).toBe(true);
  });

  it('two refreshes crossing (a full one for the new day applies while a new-day step that saw a later write is in flight): the step applies nothing and moves nothing, the write\'s note stays, and the next read folds it in', async () => {
    const tenant = await config();
    /** The database with a gate before its apply batch (the one that writes: more than two statements). */
    const gated = () => {
      let release!: () => void;
      let reached!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const at = new Promise<void>((r) => (reached = r));
      const base = db();
      const wrapped = Object.create(base) as typeof base;
      wrapped.batch = (async (items: Parameters<typeof base.batch>[0]) => {
        if (items.length > 2) {
          reached();
          await gate;
        }
        return base.batch(items);
      }) as unknown as typeof base.batch;
      return { db: wrapped, at, release };
    };
    const before = localDate(t.deps.clock.now(), tenant.timeZone);
    expect((await refreshCompliance(db(), tenant, t.deps.clock.now())).applied).toBe(true);
    t.setNow(new Date(t.deps.clock.now().getTime() + 86_400_000).toISOString());
    const day = localDate(t.deps.clock.now(), tenant.timeZone);
    const [{ someone }] = await db().all<{ someone: string }>(sql`select person_id as someone from compliance_results where rule_id in (select rule_id from compliance_results where subject_type = 'person') and person_id in (select id from people where deleted_at is null) limit 1`);
    const a = gated();
    const full = refreshCompliance(a.db, tenant, t.deps.clock.now(), { full: true });
    await a.at; // the full refresh has read the notes and evaluated
    for (let i = 0; i < 3; i++) await recordWriters(db()).add.diary({ personId: someone, entryDate: day, enteredAt: t.deps.clock.now().toISOString() });
    const b = gated();
    const step = refreshCompliance(b.db, tenant, t.deps.clock.now());
    await b.at; // the step has seen the write, and is about to apply
    a.release();
    expect((await full).applied).toBe(true);
    b.release();
    const stepped = await step;
    expect([stepped.mode, stepped.applied], `from ${before}`).toEqual(['newDay', false]);
    const [{ notes }] = await db().all<{ notes: number }>(sql`select count(*) as notes from compliance_dirty`);
    expect(notes, 'the write\'s notes are still there').toBeGreaterThan(0);
    expect((await refreshCompliance(db(), tenant, t.deps.clock.now())).mode).toBe('partial');
    const { stored, full: evaluated } = await storedAndFull();
    expect(stored).toEqual(evaluated);
    admin = await t.adminToken(id);
  });

  it('every table a rule reads has insert, update and delete triggers noting writes (a new record kind needs them in its migration)', async () => {
    const triggers = new Set((await db().all<{ name: string }>(sql`select name from sqlite_master where type = 'trigger'`)).map((r) => r.name));
    const tables = [...new Set([...Object.values(recordKinds).map((k) => k.table), 'people', 'person_assignments', 'org_unit_parents'])];
    const missing = tables.flatMap((t) => ['insert', 'update', 'delete'].map((ev) => `${t}_compliance_${ev}`)).filter((name) => !triggers.has(name));
    expect(missing).toEqual([]);
  });

  it('a write is reflected in the very next read, with no refresh asked for: the stored answer equals the evaluated one, to the order of its keys', async () => {
    const tenant = await config();
    const day = localDate(t.deps.clock.now(), tenant.timeZone);
    const instant = encodeURIComponent(endOfDayInstant(day, tenant.timeZone).toISOString());
    const [{ someone }] = await db().all<{ someone: string }>(sql`select person_id as someone from compliance_results where person_id in (select id from people where deleted_at is null) limit 1`);
    await recordWriters(db()).add.diary({ personId: someone, entryDate: day, enteredAt: t.deps.clock.now().toISOString() });
    for (const path of ['/compliance?limit=1000', '/compliance?period=current&limit=1000', `/compliance/people/${someone}`, `/compliance/org-units/${tenant.orgUnits.id}`, '/compliance/heatmap', `/deadlines?from=${addDays(day, -30)}&to=${addDays(day, 30)}`]) {
      const stored = await api('GET', path);
      const evaluated = await api('GET', `${path}${path.includes('?') ? '&' : '?'}asOf=${instant}`);
      expect(stored.status, path).toBe(200);
      expect(stored.body, path).toEqual(evaluated.body);
      expect(JSON.stringify(stored.body), `${path}: the same text, keys in the same order`).toBe(JSON.stringify(evaluated.body));
      expect((stored.body.items as unknown[] | undefined)?.length ?? (stored.body.cells as unknown[]).length, path).toBeGreaterThan(0);
    }
  });

  it('POST /compliance/refresh (admin) evaluates everything again: a stored row changed behind its back is put right', async () => {
    await db().run(sql`update compliance_results set status = 'met', body = json_set(body, '$.status', 'met') where status <> 'met'`);
    const tampered = await api('GET', '/compliance?limit=1000');
    expect((tampered.body.summary as Record<string, number>).met).toBe((tampered.body.items as unknown[]).length);
    const [{ someone }] = await db().all<{ someone: string }>(sql`select person_id as someone from compliance_results where person_id in (select id from people where deleted_at is null and access = 'member') limit 1`);
    expect(someone).toBeTruthy();
    const refreshed = await api('POST', '/compliance/refresh', {});
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.rows).toBeGreaterThan(0);
    expect((await api('POST', '/compliance/refresh', { full: true })).status).toBe(400);
    const { stored, full } = await storedAndFull();
    expect(stored).toEqual(full);
    expect(full.some((r) => r.status !== 'met')).toBe(true);
  });
});
