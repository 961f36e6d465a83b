/**
 * Counting convention 9: people and units change. A past period is judged on
 * the people and units of that period; someone who joins mid-period is judged
 * from her first full period; someone who leaves keeps her past results.
 * Through the engine, and through the people and org-unit API as an admin uses it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';
import { makeTestApp, type TestApp } from '../../support/node-app.ts';
import { recordWriters } from '../../support/records.ts';
import { mergeSpans, judgedIn } from '../../../src/rules/subjects.ts';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { sql } from 'drizzle-orm';
import { makeDb } from '../../../src/db/client.ts';
import { migrateTenantDb } from '../../../src/db/migrate.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, '../../../db/migrations');

let fx: EngineFixture | undefined;
let t: TestApp | undefined;
afterEach(() => {
  fx?.close();
  t?.close();
  fx = t = undefined;
});
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();
const at = (day: string) => bj(`${day}T09:00:00`);

describe('9. people and units change', () => {
  it('B1: a county leader moved to a street unit in 2013 keeps her 2012 result, judged as the county leader she was', async () => {
    fx = await engineFixture('binzhou');
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'shizhong' });
    await fx.history(leader, [
      { orgUnitId: 'bincheng', duty: 'leader', from: null, to: '2013-02-28' },
      { orgUnitId: 'shizhong', duty: 'leader', from: '2013-03-01', to: null },
    ]);
    const r = await fx.one('B1', at('2013-03-10'), leader, '2012');
    expect([r.status, r.subject.orgUnitId]).toEqual(['missed', 'bincheng']);
  });

  it('B2: a cadre who takes up her post on 15 May is judged from June, not for May; with joiningPeriod she is judged for May too', async () => {
    fx = await engineFixture('binzhou');
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'huimin' });
    await fx.history(cadre, [{ orgUnitId: 'huimin', duty: 'office_cadre', from: '2012-05-15', to: null }]);
    const all = await fx.evaluate({ asOf: new Date(at('2012-07-10')), ruleIds: ['B2'], window: { from: '2012-05-01', to: '2012-07-10' } });
    expect(all.filter((r) => r.subject.id === cadre).map((r) => r.period.key)).toEqual(['2012-06', '2012-07']);
    fx.tenant.newcomers = { judgedFrom: 'joiningPeriod' };
    const again = await fx.evaluate({ asOf: new Date(at('2012-07-10')), ruleIds: ['B2'], window: { from: '2012-05-01', to: '2012-07-10' } });
    expect(again.filter((r) => r.subject.id === cadre).map((r) => r.period.key)).toEqual(['2012-05', '2012-06', '2012-07']);
  });

  it('B2: a cadre removed on 20 July keeps April to June missed, has no July or August result', async () => {
    fx = await engineFixture('binzhou');
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'wudi' });
    await fx.history(cadre, [{ orgUnitId: 'wudi', duty: 'office_cadre', from: null, to: '2012-07-20' }]);
    const all = await fx.evaluate({ asOf: new Date(at('2012-09-10')), ruleIds: ['B2'], window: { from: '2012-05-01', to: '2012-09-10' } });
    expect(all.filter((r) => r.subject.id === cadre).map((r) => `${r.period.key}:${r.status}`)).toEqual(['2012-04:missed', '2012-05:missed', '2012-06:missed']);
  });

  it('a move between two posts that both count (county office cadre to city office cadre) is no gap', () => {
    const merged = mergeSpans([
      { from: '2012-06-16', to: null },
      { from: null, to: '2012-06-15' },
    ]);
    expect(merged).toEqual([{ from: null, to: null }]);
    expect(judgedIn(merged, { start: '2012-06-01', end: '2012-06-30', due: '2012-07-05' }, 'firstFullPeriod')).toBe(true);
    expect(judgedIn(mergeSpans([{ from: null, to: '2012-06-14' }, { from: '2012-06-16', to: null }]), { start: '2012-06-01', end: '2012-06-30', due: '2012-07-05' }, 'firstFullPeriod')).toBe(false);
  });

  it('through the API: moving a person records the change from its effective day; deleting her keeps her past results', async () => {
    t = await makeTestApp({ now: '2012-09-10T02:00:00.000Z' });
    const admin = await t.adminToken('binzhou');
    const created = await t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: '刘干部', duty: 'office_cadre', orgUnitId: 'wudi' } });
    const { id } = (await created.json()) as { id: string };
    const w = recordWriters(t.deps.database(t.tenant('binzhou')));
    await w.add.fieldTrip({ personId: id, startDate: '2012-05-03' });
    await w.add.fieldTrip({ personId: id, startDate: '2012-05-20' });

    // Moved to a street as a grassroots cadre from 1 July: May (met) and June (missed) stay hers as a county office cadre.
    const moved = await t.request(`/v1/binzhou/people/${id}`, { method: 'PATCH', token: admin, json: { orgUnitId: 'shizhong', duty: 'grassroots_cadre', effectiveFrom: '2012-07-01' } });
    expect(moved.status).toBe(200);
    const history = (await (await t.request(`/v1/binzhou/people/${id}/history`, { token: admin })).json()) as { items: unknown[] };
    expect(history.items).toEqual([
      { orgUnitId: 'wudi', duty: 'office_cadre', from: null, to: '2012-06-30' },
      { orgUnitId: 'shizhong', duty: 'grassroots_cadre', from: '2012-07-01', to: null },
    ]);
    const b2 = async () => {
      const res = await t!.request(`/v1/binzhou/compliance/people/${id}?asOf=2012-09-10`, { token: admin });
      const body = (await res.json()) as { items: { ruleId: string; period: { key: string }; status: string; subject: { orgUnitId: string } }[] };
      return body.items.filter((r) => r.ruleId === 'B2').map((r) => `${r.period.key}:${r.status}:${r.subject.orgUnitId}`).sort();
    };
    expect(await b2()).toEqual(['2012-04:missed:wudi', '2012-05:met:wudi', '2012-06:missed:wudi']);

    // A change dated before her current post began is refused, and changes nothing.
    const early = await t.request(`/v1/binzhou/people/${id}`, { method: 'PATCH', token: admin, json: { orgUnitId: 'shixi', effectiveFrom: '2012-06-01' } });
    expect(early.status).toBe(400);
    expect(((await early.json()) as { error: { fields: { path: string }[] } }).error.fields[0].path).toBe('effectiveFrom');
    expect((await (await t.request(`/v1/binzhou/people/${id}`, { token: admin })).json() as { orgUnitId: string }).orgUnitId).toBe('shizhong');

    // Removed: her past results stay for those who read them (the admin, the digests).
    expect((await t.request(`/v1/binzhou/people/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    const all = await t.request('/v1/binzhou/compliance?asOf=2012-09-10&rule=B2&limit=200', { token: admin });
    const items = ((await all.json()) as { items: { subject: { id: string }; period: { key: string }; status: string }[] }).items.filter((r) => r.subject.id === id);
    expect(items.map((r) => `${r.period.key}:${r.status}`).sort()).toEqual(['2012-04:missed', '2012-05:met', '2012-06:missed']);
  });

  it('through the API: a unit moved under another county counts for its old county in the months before the move (H19, subtree)', async () => {
    t = await makeTestApp({ now: '2017-09-01T02:00:00.000Z' });
    const admin = await t.adminToken('harbin');
    const post = (json: unknown) => t!.request('/v1/harbin/org-units', { method: 'POST', token: admin, json });
    expect((await post({ id: 'street-a', name: '甲街道妇联', level: 'street', type: 'federation', parentId: 'acheng' })).status).toBe(201);
    expect((await post({ id: 'village-a', name: '甲村妇联', level: 'community', type: 'federation', parentId: 'street-a' })).status).toBe(201);
    const w = recordWriters(t.deps.database(t.tenant('harbin')));
    const a = await w.person({ duty: 'office_cadre', orgUnitId: 'yanjiu' });
    const b = await w.person({ duty: 'office_cadre', orgUnitId: 'zuzhi' });
    for (const [p, d] of [[a, '2017-04-10'], [b, '2017-04-12'], [a, '2017-08-07'], [b, '2017-08-08']] as const) await w.add.fieldTrip({ personId: p, orgUnitId: 'village-a', startDate: d });
    const moved = await t.request('/v1/harbin/org-units/street-a', { method: 'PATCH', token: admin, json: { parentId: 'shuangcheng', effectiveFrom: '2017-07-01' } });
    expect(moved.status).toBe(200);
    const status = async (unit: string, key: string) => {
      const res = await t!.request(`/v1/harbin/compliance/org-units/${unit}?asOf=2017-09-01`, { token: admin });
      return ((await res.json()) as { items: { ruleId: string; period: { key: string }; status: string }[] }).items.find((r) => r.ruleId === 'H19' && r.period.key === key)?.status;
    };
    expect([await status('acheng', '2017-04'), await status('shuangcheng', '2017-04')]).toEqual(['missed', 'met']);
    expect([await status('acheng', '2017-08'), await status('shuangcheng', '2017-08')]).toEqual(['met', 'missed']);
  });
});

describe('9. migrating a database from before history was kept', () => {
  it('0006 turns every person and unit into history "since before records began"; someone already removed keeps it up to the day she was removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-mig-'));
    try {
      // The migrations as they were before 0006, applied by drizzle's migrator as earlier versions did.
      const old = join(dir, 'old');
      cpSync(MIGRATIONS_DIR, old, { recursive: true });
      const journal = JSON.parse(readFileSync(join(old, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
      journal.entries = journal.entries.filter((e) => e.tag < '0006');
      writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));
      const client = createClient({ url: `file:${join(dir, 't.db')}` });
      const db = makeDb(client);
      await migrate(db, { migrationsFolder: old });
      await db.run(sql`insert into org_units (id, name, level, type, parent_id, created_at, updated_at) values ('root', '根', 'city', 'federation', null, 'x', 'x'), ('c1', '县', 'district', 'federation', 'root', 'x', 'x')`);
      await db.run(sql`insert into people (id, name, access, duty, org_unit_id, created_at, updated_at, deleted_at) values
        ('p1', '在职', 'member', 'leader', 'c1', '2012-01-01T00:00:00.000Z', 'x', null),
        ('p2', '已删除', 'member', 'office_cadre', 'c1', '2012-01-01T00:00:00.000Z', 'x', '2012-07-20T17:00:00.000Z')`);
      // Migrated by drizzle's own migrator before, by ours (from the compiled migrations) now.
      await migrateTenantDb(db);
      const rows = await db.all(sql`select person_id, org_unit_id, duty, from_date, to_date from person_assignments order by person_id`);
      expect(rows).toEqual([
        { person_id: 'p1', org_unit_id: 'c1', duty: 'leader', from_date: null, to_date: null },
        // 17:00 UTC on 20 July is 01:00 on 21 July in Beijing.
        { person_id: 'p2', org_unit_id: 'c1', duty: 'office_cadre', from_date: null, to_date: '2012-07-21' },
      ]);
      expect(await db.all(sql`select org_unit_id, parent_id, from_date, to_date from org_unit_parents order by org_unit_id`)).toEqual([
        { org_unit_id: 'c1', parent_id: 'root', from_date: null, to_date: null },
        { org_unit_id: 'root', parent_id: null, from_date: null, to_date: null },
      ]);
      client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
