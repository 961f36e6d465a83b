/**
 * `npm run demo`: fills lixia, binzhou and harbin with a realistic and clearly
 * fake dataset (every name starts with 演示), so that /compliance shows every
 * status. Records go in through the same validation as the import API.
 * Lixia and Harbin get the current year; Binzhou its 2012 campaign.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { buildNodeDeps } from '../src/node-runtime.ts';
import { migrateTenantDb } from '../src/db/migrate.ts';
import { provisionTenant } from '../src/db/provision.ts';
import { createPerson } from '../src/routes/people.ts';
import { findResource, importStatements, validateRows } from '../src/records/import.ts';
import { evaluateTenant } from '../src/rules/engine.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { localDate } from '../src/lib/time.ts';
import { statuses, type Status } from '../src/rules/status.ts';
import { recordKinds, type FieldDef, type KindDef, type RecordKind } from '../src/domain/records.ts';
import { people, orgUnits } from '../db/schema.ts';
import type { Db } from '../src/db/client.ts';
import type { TenantConfig } from '../src/tenants/schema.ts';
import type { AuthUser } from '../src/middleware/auth.ts';

export const PASSWORD = 'demo-pass-2026';
let deps: ReturnType<typeof buildNodeDeps>['deps'];
let thisYear: number;

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const chance = (p: number) => rand() < p;
const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
const pad = (n: number) => String(n).padStart(2, '0');
const d = (y: number, m: number, day: number) => `${y}-${pad(m)}-${pad(Math.min(day, new Date(Date.UTC(y, m, 0)).getUTCDate()))}`;
const surnames = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'.split('');
const given = '芳娜敏静丽艳娟霞秀英华玲红梅兰燕萍琳'.split('');
let nameNo = 0;
const fakeName = () => `演示·${surnames[nameNo % surnames.length]}${given[(nameNo++ * 7) % given.length]}`;

interface Ctx {
  tenant: TenantConfig;
  db: Db;
  admin: AuthUser;
  units: { id: string; level: string; type: string; name: string }[];
}

async function add(ctx: Ctx, resource: string, rows: Record<string, unknown>[]) {
  if (!rows.length) return;
  const def = findResource(resource)!;
  const { prepared, errors } = await validateRows(ctx.db, ctx.admin, ctx.tenant, def, rows.map((input, i) => ({ line: i + 1, input })));
  if (errors.length) throw new Error(`${ctx.tenant.id}/${resource}: ${JSON.stringify(errors.slice(0, 3))}`);
  const { items, ids } = importStatements({ db: ctx.db, actorId: ctx.admin.id, requestId: null, now: deps.clock.now() }, ctx.admin, def, prepared);
  await ctx.db.batch(items as [never, ...never[]]);
  // The demo's cadres typed their records in on the day of the work (on-time is decided by entry time too).
  const kind = recordKinds[def.kind as RecordKind] as KindDef | undefined;
  const dateSql = kind?.dateField ? (kind.fields[kind.dateField as keyof typeof kind.fields] as FieldDef).sql.replace(/^r\./, '') : undefined;
  if (kind && dateSql && !kind.ownTime) {
    const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
    await ctx.db.run(sql`update ${sql.raw(kind.table)} set created_at = ${sql.raw(dateSql)} || 'T10:00:00.000Z' where id in (${list}) and ${sql.raw(dateSql)} || 'T10:00:00.000Z' < created_at`);
  }
}

async function person(ctx: Ctx, orgUnitId: string, duty: 'leader' | 'office_cadre' | 'committee_member' | 'grassroots_cadre', login?: { email: string; access: 'admin' | 'supervisor' | 'member' }) {
  const p = await createPerson(ctx.db, { name: fakeName(), orgUnitId, duty, access: login?.access ?? 'member', ...(login ? { email: login.email, password: PASSWORD } : {}) }, deps.clock.now());
  return p.id;
}

const byMatch = (ctx: Ctx, level: string[], type: string[]) => ctx.units.filter((u) => level.includes(u.level) && type.includes(u.type));

async function harbin(ctx: Ctx) {
  const Y = thisYear;
  const depts = byMatch(ctx, ['city'], ['department']);
  const districts = byMatch(ctx, ['district'], ['federation']);
  const units = [...depts, ...districts];
  const cadres: string[] = [];
  const leaders = [await person(ctx, 'harbin', 'leader', { email: `demo-leader@harbin.demo`, access: 'supervisor' }), await person(ctx, 'harbin', 'leader')];
  for (const u of depts) for (let i = 0; i < 2; i++) cadres.push(await person(ctx, u.id, 'office_cadre', i === 0 && u.id === 'yanjiu' ? { email: 'demo-cadre@harbin.demo', access: 'member' } : undefined));
  for (const u of districts) cadres.push(await person(ctx, u.id, 'office_cadre'));
  const committee = [await person(ctx, 'harbin', 'committee_member'), ...(await Promise.all(districts.slice(0, 6).map((u) => person(ctx, u.id, 'committee_member'))))];
  await person(ctx, 'daoli', 'leader', { email: 'demo-supervisor@harbin.demo', access: 'supervisor' });
  const events = [];
  for (const u of units) for (const m of [2, 4, 6, 8, 10, 12]) if (chance(m === 12 ? 0.4 : 0.75)) events.push({ orgUnitId: u.id, type: 'work_week', title: '演示：双月下基层工作周', startDate: d(Y, m, 8), endDate: d(Y, m, 12), participants: int(5, 20) });
  for (const l of leaders) if (chance(0.5)) events.push({ personId: l, orgUnitId: 'quanyi', type: 'petition_reception', title: '演示：信访窗口接访', startDate: d(Y, int(3, 11), int(1, 28)) });
  await add(ctx, 'events', events);
  const pairings = [];
  for (const c of cadres) for (let i = 0; i < int(2, 7); i++) pairings.push({ personId: c, beneficiaryType: 'woman', beneficiaryName: fakeName(), startedOn: d(Y, int(1, 11), int(1, 28)) });
  for (const c of committee) if (chance(0.6)) pairings.push({ personId: c, beneficiaryType: 'grassroots_org', beneficiaryName: '演示社区妇联', startedOn: d(Y, int(1, 11), 3) });
  await add(ctx, 'pairings', pairings);
  await add(ctx, 'diary-entries', cadres.filter(() => chance(0.8)).map((c) => ({ personId: c, entryDate: d(Y, int(1, 11), int(1, 28)), content: '演示：今天到社区走访，了解了留守妇女的需求。' })));
  const points = [];
  for (const c of [...cadres, ...leaders]) if (chance(0.7)) points.push({ personId: c, orgUnitId: 'harbin', name: '演示服务点', establishedOn: d(Y, int(1, 6), 1), brandProject: chance(0.7) ? '演示：巾帼家政' : undefined, problemSolved: chance(0.6) ? '演示：托管难' : undefined, suggestion: chance(0.6) ? '演示：建议增设妇女议事会' : undefined, innovation: chance(0.5) ? '演示：线上议事' : undefined, innovationOn: chance(0.5) ? d(Y, int(6, 11), 10) : undefined });
  await add(ctx, 'contact-points', points.map((p) => (p.innovation && !p.innovationOn ? { ...p, innovationOn: d(Y, 9, 1) } : p)));
  const subs = [];
  for (const u of districts) for (let i = 0; i < int(0, 3); i++) subs.push({ orgUnitId: u.id, type: 'suggestion', title: '演示：人民建议', submittedAt: `${d(Y, int(2, 11), int(1, 28))}T10:00:00+08:00` });
  for (const u of units)
    for (const m of [2, 4, 6, 8, 10]) {
      const r = rand();
      if (r < 0.6) subs.push({ orgUnitId: u.id, type: 'progress', period: `${Y}-${pad(m - 1)}/${Y}-${pad(m)}`, recipientOrgUnitId: 'yanjiu', title: '演示：双月进展情况', submittedAt: `${d(Y, m + 1, 3)}T16:00:00+08:00` });
      else if (r < 0.8) subs.push({ orgUnitId: u.id, type: 'progress', period: `${Y}-${pad(m - 1)}/${Y}-${pad(m)}`, recipientOrgUnitId: 'yanjiu', title: '演示：双月进展情况（迟报）', submittedAt: `${d(Y, m + 1, 12)}T09:00:00+08:00` });
    }
  await add(ctx, 'submissions', subs);
  const reports = [];
  for (const u of units) {
    const r = rand();
    if (r < 0.5) reports.push({ orgUnitId: u.id, title: '演示：重点课题调研报告', topic: 'key_topic', situation: '情况', analysis: '分析', recommendations: '建议', submittedOn: d(Y, 9, int(1, 30)) });
    else if (r < 0.75) reports.push({ orgUnitId: u.id, title: '演示：重点课题调研报告（逾期）', topic: 'key_topic', situation: '情况', analysis: '分析', recommendations: '建议', submittedOn: d(Y, 10, 15) });
  }
  for (const u of districts) if (chance(0.4)) reports.push({ orgUnitId: u.id, title: '演示：妇女需求调研', topic: 'womens_needs', situation: '情况', analysis: '分析', recommendations: '建议', submittedOn: d(Y, 4, 20) });
  await add(ctx, 'research-reports', reports);
  await add(ctx, 'needs', districts.filter(() => chance(0.3)).map((u) => ({ orgUnitId: u.id, recordedOn: d(Y, 4, 15), need: '演示：希望开展技能培训', womanName: fakeName() })));
  const petitions = [];
  for (let i = 0; i < 30; i++) {
    const m = int(1, 11);
    const received = d(Y, m, int(1, 20));
    const due = d(Y, m, 28);
    const r = rand();
    petitions.push({ orgUnitId: pick(districts).id, channel: 'hotline', receivedOn: received, dueDate: due, ...(r < 0.6 ? { closedOn: due } : r < 0.8 ? { closedOn: d(Y, m + 1, 5) } : {}), petitionerName: fakeName(), summary: '演示：家庭纠纷' });
  }
  await add(ctx, 'petitions', petitions);
}

const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];

async function lixia(ctx: Ctx) {
  const Y = thisYear;
  const streets = byMatch(ctx, ['street'], ['federation']);
  const now = deps.clock.now().toISOString();
  // Communities: the real tree has none in its config; these are fake, some without a women's organisation yet.
  for (const [i, s] of streets.slice(0, 5).entries())
    for (let j = 1; j <= 3; j++)
      await ctx.db.insert(orgUnits).values({ id: `demo-${s.id}-${j}`, name: `演示${s.name.replace('妇联', '')}第${j}社区妇联`, level: 'community', type: i === 0 && j === 3 ? 'unorganised' : j === 2 ? 'women_congress' : 'federation', parentId: s.id, createdAt: now, updatedAt: now }).onConflictDoNothing();
  const cadres = [];
  for (const s of streets) cadres.push(await person(ctx, s.id, 'grassroots_cadre', s.id === 'jianxin' ? { email: 'demo-cadre@lixia.demo', access: 'member' } : undefined));
  await person(ctx, 'jianxin', 'leader', { email: 'demo-supervisor@lixia.demo', access: 'supervisor' });
  const subs = [];
  for (const s of streets)
    for (let m = 1; m <= 11; m++) for (let k = 0; k < (chance(0.7) ? 2 : int(0, 1)); k++) subs.push({ orgUnitId: s.id, type: 'info', title: `演示：${m}月工作信息`, submittedAt: `${d(Y, m, int(1, 28))}T10:00:00+08:00` });
  subs.push({ orgUnitId: 'lixia', type: 'news', outletLevel: 'province', title: '演示：省级报道', submittedAt: `${d(Y, 5, 10)}T10:00:00+08:00` });
  subs.push({ orgUnitId: 'lixia', type: 'news', outletLevel: 'city', title: '演示：市级报道', submittedAt: `${d(Y, 6, 10)}T10:00:00+08:00` });
  await add(ctx, 'submissions', subs);
  await add(ctx, 'events', [
    { orgUnitId: 'lixia', type: 'job_fair', title: '演示：妇女专场招聘会', startDate: d(Y, 3, 8) },
    { orgUnitId: 'lixia', type: 'training', title: '演示：家政技能培训', startDate: d(Y, 5, 12), endDate: d(Y, 5, 14), participants: 180 },
    { orgUnitId: 'lixia', type: 'exemplar', title: '演示：选树最美家庭', startDate: d(Y, 8, 1) },
    ...[3, 6, 9].map((m) => ({ orgUnitId: 'parents-school', type: 'family_education', title: '演示：家庭教育实践活动', startDate: d(Y, m, 15), participants: 60 })),
  ]);
  await add(ctx, 'services', [
    { orgUnitId: 'lixia', category: 'jobs', subtype: 'placement', servedOn: d(Y, 6, 1), peopleServed: 52 },
    { orgUnitId: 'lixia', category: 'jobs', subtype: 'entrepreneurship', servedOn: d(Y, 7, 1), peopleServed: 3 },
  ]);
  const petitions = [];
  for (let i = 0; i < 50; i++) {
    const m = int(1, 10);
    petitions.push({ orgUnitId: pick(streets).id, channel: pick(['letter', 'visit', 'phone', 'hotline', 'qq_group']), receivedOn: d(Y, m, int(1, 25)), ...(i < 48 ? { closedOn: d(Y, m + 1, 2) } : {}), petitionerName: fakeName(), summary: '演示：婚姻家庭纠纷' });
  }
  for (let i = 0; i < 4; i++) {
    const m = 8 + i;
    petitions.push({ orgUnitId: pick(streets).id, channel: 'letter', receivedOn: d(Y, m, 1), superiorAssigned: true, dueDate: d(Y, m, 20), ...(i === 0 ? { closedOn: d(Y, m, 18), reportedOn: d(Y, m, 19) } : i === 1 ? { closedOn: d(Y, m, 22), reportedOn: d(Y, m, 23) } : {}), petitionerName: fakeName() });
  }
  await add(ctx, 'petitions', petitions);
  await add(ctx, 'diary-entries', cadres.map((c) => ({ personId: c, entryDate: d(Y, int(1, 11), 9), content: '演示：走访记录' })));
}

async function binzhou(ctx: Ctx) {
  const Y = 2012;
  const counties = byMatch(ctx, ['district'], ['federation', 'dev_zone']);
  const streets = byMatch(ctx, ['street'], ['federation']);
  const cadres: string[] = [];
  await person(ctx, 'bincheng', 'leader', { email: 'demo-supervisor@binzhou.demo', access: 'supervisor' });
  for (const u of ['binzhou', ...counties.slice(0, 7).map((c) => c.id)]) {
    cadres.push(await person(ctx, u, 'leader'));
    cadres.push(await person(ctx, u, 'office_cadre', u === 'bincheng' ? { email: 'demo-cadre@binzhou.demo', access: 'member' } : undefined));
  }
  const h = [];
  const cats = ['problem_family', 'left_behind', 'dispute', 'orphan_disabled_poor', 'laid_off', 'illness_bereavement'];
  for (const s of streets) for (let i = 0; i < 6; i++) h.push({ orgUnitId: s.id, address: `演示地址：${s.name.replace('妇联', '')}${i + 1}号`, categories: [cats[i]], hasMinor: i === 1 });
  await add(ctx, 'households', h);
  const households = await ctx.db.all<{ id: string }>(sql`select id from households order by id`);
  const trips = [];
  const visits = [];
  const diaries = [];
  for (const c of cadres) {
    for (let m = 4; m <= 9; m++) for (let k = 0; k < (chance(0.75) ? 2 : 1); k++) trips.push({ personId: c, orgUnitId: pick(streets).id, startDate: d(Y, m, int(1, 20)), endDate: d(Y, m, int(21, 28)) });
    const n = int(6, 12);
    for (let k = 0; k < n; k++) visits.push({ personId: c, householdId: pick(households).id, visitedOn: d(Y, int(5, 9), int(1, 28)) });
    for (let k = 0; k < int(5, 14); k++) diaries.push({ personId: c, entryDate: d(Y, int(5, 9), int(1, 28)), content: '演示：妇情日记' });
  }
  await add(ctx, 'field-trips', trips);
  await add(ctx, 'household-visits', visits);
  await add(ctx, 'diary-entries', diaries);
  await add(ctx, 'pairings', cadres.flatMap((c) => [{ personId: c, beneficiaryType: 'poor_woman', beneficiaryName: fakeName(), startedOn: d(Y, 4, int(10, 30)) }, ...(chance(0.7) ? [{ personId: c, beneficiaryType: 'poor_child', beneficiaryName: fakeName(), startedOn: d(Y, int(4, 5), 20) }] : [])]));
  await add(ctx, 'research-reports', cadres.filter(() => chance(0.6)).map((c) => ({ personId: c, orgUnitId: 'binzhou', title: '演示：留守妇女状况调查', situation: '情况', analysis: '分析', recommendations: '建议', submittedOn: d(Y, int(7, 10), 10) })));
  await add(ctx, 'contact-points', [...counties.slice(0, 7), { id: 'binzhou' }].flatMap((u) => Array.from({ length: int(1, 2) }, (_, i) => ({ orgUnitId: u.id, name: `演示联系村${i + 1}`, isWeak: true, establishedOn: d(Y, 4, int(15, 30)) }))));
  await add(ctx, 'services', [{ orgUnitId: 'binzhou', category: 'care', subtype: 'poor_mother', servedOn: d(Y, 6, 1), peopleServed: 64 }]);
  const sup = await ctx.db.query.people.findFirst({ where: eq(people.email, 'demo-supervisor@binzhou.demo') });
  const subs = [];
  for (const [i, c] of counties.entries()) {
    if (i % 3 === 0) subs.push({ orgUnitId: c.id, type: 'plan', title: '演示：活动方案', recipientOrgUnitId: 'zuxuan', submittedAt: `${Y}-04-18T10:00:00+08:00` });
    else if (i % 3 === 1) subs.push({ orgUnitId: c.id, type: 'plan', title: '演示：活动方案（迟报）', recipientOrgUnitId: 'zuxuan', submittedAt: `${Y}-04-25T10:00:00+08:00` });
    for (const [m1, m2] of [[4, 5], [6, 7]]) if (chance(0.7)) subs.push({ orgUnitId: c.id, type: 'progress', period: `${Y}-${pad(m1)}/${Y}-${pad(m2)}`, title: '演示：两个月进展情况', submittedAt: `${d(Y, m2 + 1, int(1, 9))}T10:00:00+08:00` });
  }
  await add(ctx, 'submissions', subs);
  const insp = [];
  for (const c of counties) for (let m = 5; m <= 9; m++) if (chance(0.8)) insp.push({ orgUnitId: c.id, personId: sup?.id, inspectingOrgUnitId: 'leading-group', inspectedOn: d(Y, m, int(5, 25)) });
  await add(ctx, 'inspections', insp.map(({ personId, ...r }) => r));
  await add(ctx, 'needs', streets.flatMap((s) => [5, 6, 7, 8].filter(() => chance(0.7)).map((m) => ({ orgUnitId: s.id, recordedOn: d(Y, m, 12), need: '演示：希望办技能培训班' }))));
}

/** Fills every tenant that has a demo plan; returns, per tenant, how many results of each status it shows as of its demo date. */
export async function runDemo(vars: NodeJS.ProcessEnv, print: (s: string) => void = console.log): Promise<Record<string, Record<string, number>>> {
  const built = buildNodeDeps(vars, silentLogger);
  deps = built.deps;
  const { settings, dbs } = built;
  thisYear = Number(localDate(deps.clock.now(), 'Asia/Shanghai').slice(0, 4));
  seed = 7;
  const fill: Record<string, { run: (c: Ctx) => Promise<void>; asOf: string }> = {
    harbin: { run: harbin, asOf: `${thisYear}-12-27` },
    lixia: { run: lixia, asOf: `${thisYear}-12-27` },
    binzhou: { run: binzhou, asOf: '2012-09-26' },
  };
  const out: Record<string, Record<string, number>> = {};
  // Registers the founding federations on a fresh DATA_DIR (as npm start would), printing their bootstrap admins.
  for (const { tenant, bootstrapAdmin } of (await built.prepareRegistry()).added)
    if (bootstrapAdmin) print(`[${tenant.id}] 初始管理员（只显示一次）: ${bootstrapAdmin.email} / ${bootstrapAdmin.password}`);
  for (const tenant of await deps.tenants.active()) {
  const plan = fill[tenant.id];
  if (!plan) continue;
  await dbs.prepare(tenant);
  const db = deps.database(tenant);
  await migrateTenantDb(db);
  const boot = await provisionTenant(db, tenant, deps.clock.now());
  const adminEmail = `demo-admin@${tenant.id}.demo`;
  if (await db.query.people.findFirst({ where: and(eq(people.email, adminEmail), isNull(people.deletedAt)) })) {
    print(`[${tenant.id}] 演示数据已存在，跳过（删除 ${settings.dataDir}/${tenant.id}.db 可重建）`);
    continue;
  }
  const adminRow = await createPerson(db, { name: '演示·管理员', email: adminEmail, password: PASSWORD, access: 'admin', orgUnitId: tenant.orgUnits.id }, deps.clock.now());
  const units = await db.all<{ id: string; level: string; type: string; name: string }>(sql`select id, level, type, name from org_units where deleted_at is null`);
  await plan.run({ tenant, db, units, admin: { id: adminRow.id, name: adminRow.name, access: 'admin', duty: null, orgUnitId: tenant.orgUnits.id } });
  const results = await evaluateTenant(db, tenant, { asOf: new Date(`${plan.asOf}T12:00:00+08:00`) });
  const counts = results.reduce<Record<string, number>>((m, r) => ((m[r.status] = (m[r.status] ?? 0) + 1), m), {});
  out[tenant.id] = counts;
  const tally = Object.entries(counts);
  print(`\n[${tenant.id}] ${tenant.name}：演示数据已生成。截至 ${plan.asOf}：${tally.map(([k, n]) => `${statuses[k as Status] ?? k} ${n}`).join('，')}`);
  if (boot.bootstrapAdmin) print(`  初始管理员（只显示一次）: ${boot.bootstrapAdmin.email} / ${boot.bootstrapAdmin.password}`);
  print(`  登录（密码均为 ${PASSWORD}）：${adminEmail}（管理员）、demo-supervisor@${tenant.id}.demo（督导）、demo-cadre@${tenant.id}.demo（干部）`);
  print(`  TOKEN=$(curl -s localhost:${settings.port}/v1/${tenant.id}/auth/login -H 'content-type: application/json' -d '{"email":"${adminEmail}","password":"${PASSWORD}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')`);
  print(`  curl -s 'localhost:${settings.port}/v1/${tenant.id}/compliance?asOf=${plan.asOf}&status=at_risk' -H "authorization: Bearer $TOKEN"`);
}
  built.close();
  return out;
}

if (import.meta.main) await runDemo(process.env);
