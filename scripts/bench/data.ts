/**
 * The benchmark's synthetic tenant: Harbin's rules and tree, 1,000 people and
 * 200,000 records over 2017, and the hand-written SQL aggregates that answer
 * the same questions as Harbin's rules for 2017 (P1's baseline).
 */
import { join } from 'node:path';
import type { Client, InStatement } from '@libsql/client';
import { makeDb, type Db } from '../../src/db/client.ts';
import { migrateTenantDb } from '../../src/db/migrate.ts';
import { provisionTenant } from '../../src/db/provision.ts';
import { loadTenantsFromDir } from '../../src/tenants/load-dir.ts';

export const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1000);
export const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);

const root = new URL('../..', import.meta.url).pathname;
export const tenant = loadTenantsFromDir(join(root, 'tenants')).get('harbin')!;

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const day = () => new Date(Date.UTC(2017, 0, 1) + Math.floor(rand() * 365) * 86_400_000).toISOString().slice(0, 10);
const plus = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
const stamp = '2017-01-01T00:00:00.000Z';

/** Builds the synthetic tenant in the database `client` opens (migrated and provisioned first). */
export async function build(client: Client, db: Db = makeDb(client)) {
  await migrateTenantDb(db);
  await provisionTenant(db, tenant, new Date(stamp));
  const units = (await client.execute('select id, level, type from org_units')).rows.map((r) => ({ id: String(r.id), level: String(r.level), type: String(r.type) }));
  const duties = ['leader', 'office_cadre', 'office_cadre', 'office_cadre', 'committee_member', 'grassroots_cadre'];
  const people: { id: string; unit: string }[] = [];
  const stmts: InStatement[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const id = `p${i}`;
    const unit = pick(units).id;
    people.push({ id, unit });
    const duty = pick(duties);
    stmts.push({ sql: 'insert into people (id, name, access, duty, org_unit_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)', args: [id, `人员${i}`, 'member', duty, unit, stamp, stamp] });
    stmts.push({ sql: 'insert into person_assignments (person_id, org_unit_id, duty, from_date, to_date, created_at) values (?, ?, ?, null, null, ?)', args: [id, unit, duty, stamp] });
  }
  const kinds: [number, (i: number) => InStatement][] = [
    [20, (i) => { const p = pick(people); const s = day(); return { sql: 'insert into field_trips (id, person_id, org_unit_id, start_date, end_date, created_at, updated_at) values (?,?,?,?,?,?,?)', args: [`f${i}`, p.id, p.unit, s, plus(s, Math.floor(rand() * 4)), stamp, stamp] }; }],
    [20, (i) => { const p = pick(people); return { sql: 'insert into household_visits (id, person_id, org_unit_id, visited_on, categories, created_at, updated_at) values (?,?,?,?,?,?,?)', args: [`v${i}`, p.id, p.unit, day(), JSON.stringify([pick(['problem_family', 'left_behind', 'dispute', 'laid_off'])]), stamp, stamp] }; }],
    [20, (i) => { const p = pick(people); return { sql: 'insert into diary_entries (id, person_id, org_unit_id, entry_date, content, created_at, updated_at) values (?,?,?,?,?,?,?)', args: [`d${i}`, p.id, p.unit, day(), '日记', stamp, stamp] }; }],
    [10, (i) => { const p = pick(people); return { sql: 'insert into pairings (id, person_id, org_unit_id, beneficiary_type, started_on, created_at, updated_at) values (?,?,?,?,?,?,?)', args: [`pa${i}`, p.id, p.unit, pick(['woman', 'woman', 'grassroots_org', 'poor_child']), day(), stamp, stamp] }; }],
    [10, (i) => { const p = pick(people); const s = day(); return { sql: 'insert into events (id, person_id, org_unit_id, type, title, start_date, end_date, participants, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?)', args: [`e${i}`, p.id, pick(units).id, pick(['work_week', 'training', 'petition_reception', 'lecture']), '活动', s, plus(s, Math.floor(rand() * 6)), Math.floor(rand() * 50), stamp, stamp] }; }],
    [8, (i) => { const u = pick(units).id; const t = day(); return { sql: 'insert into submissions (id, org_unit_id, type, period, title, submitted_at, created_at, updated_at) values (?,?,?,?,?,?,?,?)', args: [`s${i}`, u, pick(['progress', 'suggestion', 'info']), `2017-${String(1 + 2 * Math.floor(rand() * 6)).padStart(2, '0')}/2017-${String(2 + 2 * Math.floor(rand() * 6)).padStart(2, '0')}`, '材料', `${t}T02:00:00.000Z`, stamp, stamp] }; }],
    [6, (i) => { const p = pick(people); return { sql: 'insert into needs (id, person_id, org_unit_id, recorded_on, need, created_at, updated_at) values (?,?,?,?,?,?,?)', args: [`n${i}`, p.id, p.unit, day(), '需求', stamp, stamp] }; }],
    [4, (i) => { const r = day(); const closed = rand() < 0.9 ? plus(r, Math.floor(rand() * 20)) : null; return { sql: 'insert into petitions (id, org_unit_id, channel, received_on, due_date, closed_on, status, created_at, updated_at) values (?,?,?,?,?,?,?,?,?)', args: [`pe${i}`, pick(units).id, 'visit', r, plus(r, 15), closed, closed ? 'closed' : 'received', stamp, stamp] }; }],
    [1, (i) => { const p = pick(people); return { sql: 'insert into contact_points (id, person_id, org_unit_id, name, established_on, brand_project, innovation_on, created_at, updated_at) values (?,?,?,?,?,?,?,?,?)', args: [`c${i}`, p.id, p.unit, '服务点', day(), rand() < 0.5 ? '品牌' : null, rand() < 0.5 ? day() : null, stamp, stamp] }; }],
    [1, (i) => { const p = pick(people); return { sql: 'insert into research_reports (id, person_id, org_unit_id, title, topic, situation, analysis, recommendations, submitted_on, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?)', args: [`r${i}`, p.id, p.unit, '报告', pick(['key_topic', 'womens_needs', 'general']), '情况', '分析', '建议', day(), stamp, stamp] }; }],
  ];
  const total = kinds.reduce((n, [w]) => n + w, 0);
  for (const [w, make] of kinds) for (let i = 0; i < Math.round((RECORDS * w) / total); i++) stmts.push(make(i));
  for (let i = 0; i < stmts.length; i += 10_000) await client.batch(stmts.slice(i, i + 10_000), 'write');
  await client.execute('analyze');
}

/**
 * The same questions as Harbin's rules for 2017, written by hand as plain GROUP BY aggregates with
 * the counting conventions: distinct beneficiaries and households, pairings counted while they last,
 * records entered (created_at) by the due date, the 10% and insurance ratios, H19's repeat visits.
 */
const DUE = "'2018-01-01T00:00:00.000Z'";
export const RAW = [
  `select org_unit_id, substr(start_date, 1, 7) m, count(*) from events where deleted_at is null and type = 'work_week' and julianday(end_date) - julianday(start_date) + 1 >= 5 and start_date between '2017-01-01' and '2017-12-31' and created_at < ${DUE} group by 1, 2`,
  `select person_id, count(distinct coalesce(beneficiary_type || ':' || nullif(trim(beneficiary_name), ''), id)) from pairings where deleted_at is null and beneficiary_type in ('woman', 'poor_woman') and started_on <= '2017-12-31' and (ended_on is null or ended_on >= '2017-01-01') and created_at < ${DUE} group by 1`,
  `select person_id, count(*) from diary_entries where deleted_at is null and entry_date between '2017-01-01' and '2017-12-31' and created_at < ${DUE} group by 1`,
  `select person_id, count(distinct coalesce(beneficiary_type || ':' || nullif(trim(beneficiary_name), ''), id)) from pairings where deleted_at is null and beneficiary_type = 'grassroots_org' and started_on <= '2017-12-31' and (ended_on is null or ended_on >= '2017-01-01') and created_at < ${DUE} group by 1`,
  `select person_id, count(*), count(nullif(trim(coalesce(brand_project, '')), '')), count(nullif(trim(coalesce(problem_solved, '')), '')), count(nullif(trim(coalesce(suggestion, '')), '')) from contact_points where deleted_at is null and established_on <= '2017-12-31' and created_at < ${DUE} group by 1`,
  `select person_id, count(*) from events where deleted_at is null and type = 'petition_reception' and start_date between '2017-01-01' and '2017-12-31' and created_at < ${DUE} group by 1`,
  `select org_unit_id, count(*) from submissions where deleted_at is null and type = 'suggestion' and submitted_at >= '2016-12-31T16:00:00.000Z' and submitted_at < '2017-12-31T16:00:00.000Z' group by 1`,
  `select id, due_date, closed_on from petitions where deleted_at is null and due_date is not null and received_on between '2017-01-01' and '2017-12-31'`,
  `select id, case when innovation_on between '2017-01-01' and '2017-12-31' then innovation_on end from contact_points where deleted_at is null and established_on <= '2017-12-31'`,
  `select org_unit_id, period, count(*) from submissions where deleted_at is null and type = 'progress' and period like '2017-%' group by 1, 2`,
  `select org_unit_id, count(*) from research_reports where deleted_at is null and topic = 'key_topic' and situation <> '' and analysis <> '' and recommendations <> '' and submitted_on between '2017-01-01' and '2017-12-31' and created_at < ${DUE} group by 1`,
  `select org_unit_id, count(*) from research_reports where deleted_at is null and topic = 'womens_needs' and submitted_on between '2017-04-01' and '2017-04-30' group by 1`,
  `select org_unit_id, count(*) from needs where deleted_at is null and recorded_on between '2017-04-01' and '2017-04-30' group by 1`,
  `select id, date(received_on, '+5 days'), entered_system_on from petitions where deleted_at is null and channel = 'visit' and received_on between '2017-01-01' and '2017-12-31'`,
  `select (select sum(people_served) from services where deleted_at is null and category = 'health' and subtype = 'two_cancer_insurance' and served_on between '2016-03-22' and '2018-03-21'), (select max(quantity) from submissions where deleted_at is null and type = 'statistics' and milestone = 'rural_poor_women_register' and submitted_at < '2018-03-21T16:00:00.000Z')`,
  `select count(distinct coalesce(household_id, id)) from household_visits v where deleted_at is null and visited_on between '2017-01-01' and '2017-12-31' and created_at < ${DUE} and exists (select 1 from json_each(v.categories) j where j.value = 'orphan_disabled_poor')`,
  `select org_unit_id, count(*) filter (where converted_to is not null and converted_on <= '2017-12-31'), count(*) from research_reports where deleted_at is null and topic = 'key_topic' and situation <> '' and analysis <> '' and recommendations <> '' and submitted_on between '2017-01-01' and '2017-12-31' group by 1`,
  `with recursive tree(ancestor, unit) as (select id, id from org_units union all select t.ancestor, o.id from tree t join org_units o on o.parent_id = t.unit)
   select t.ancestor, substr(f.start_date, 1, 7), count(*) from field_trips f join tree t on t.unit = f.org_unit_id
   where f.deleted_at is null and f.start_date between '2017-01-01' and '2017-12-31' and cast(substr(f.start_date, 6, 2) as integer) % 2 = 0
     and exists (select 1 from field_trips o where o.org_unit_id = f.org_unit_id and o.start_date between date(f.start_date, '-6 days') and date(f.start_date, '+6 days') and o.deleted_at is null and o.person_id <> f.person_id and o.id <> f.id and strftime('%Y-%W', o.start_date) = strftime('%Y-%W', f.start_date))
   group by 1, 2`,
  `select p.id, a.duty, a.org_unit_id, a.from_date, a.to_date from people p join person_assignments a on a.person_id = p.id`,
];


/** Date columns of the synthetic records: calendar dates, and UTC instants. */
const DATES: Record<string, string[]> = {
  field_trips: ['start_date', 'end_date'],
  household_visits: ['visited_on'],
  diary_entries: ['entry_date'],
  pairings: ['started_on'],
  events: ['start_date', 'end_date'],
  needs: ['recorded_on'],
  petitions: ['received_on', 'due_date', 'closed_on'],
  contact_points: ['established_on', 'innovation_on'],
  research_reports: ['submitted_on'],
  submissions: [],
};

/**
 * Moves every record `days` later (2017 becomes the year up to today), so that a server running on
 * the real clock has a year of work to judge. The materialised results start empty, as after a deploy.
 */
export async function shiftDays(client: Client, days: number) {
  const stmts: InStatement[] = Object.entries(DATES).map(([table, cols]) => {
    const sets = [
      ...cols.map((c) => `${c} = date(${c}, '+${days} days')`),
      ...['created_at', 'updated_at', ...(table === 'submissions' ? ['submitted_at'] : [])].map((c) => `${c} = strftime('%Y-%m-%dT%H:%M:%fZ', ${c}, '+${days} days')`),
    ];
    return `update ${table} set ${sets.join(', ')}`;
  });
  stmts.push('delete from compliance_dirty', "update compliance_state set day = '', config_hash = '', applied_seq = 0", 'delete from compliance_results');
  await client.batch(stmts, 'write');
}
