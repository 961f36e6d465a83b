import { Hono } from '../lib/hono.ts';
import type { Context } from 'hono';
import * as v from 'valibot';
import type { AppDeps, AppEnv } from '../env.ts';
import { forbidden, notFound } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc, encodeCursor, OffsetCursor } from '../lib/openapi.ts';
import { daysBetween, endOfLocalDay, localDate } from '../lib/time.ts';
import { msg } from '../lib/valibot-zh.ts';
import { subtreeIds, inSubtree } from '../db/org-tree.ts';
import { evaluateTenant, type ComplianceResult } from '../rules/engine.ts';
import { statuses, type Status } from '../rules/status.ts';
import { peopleScope } from './people.ts';
import { complianceResults, orgUnits, people } from '../../db/schema.ts';
import { AHEAD_DAYS, compareRuleIds, endOfDayInstant, materialisedWindow, PAST_DAYS, readFresh, ruleCommons, storedResults } from '../rules/materialise.ts';
import { requireAccess } from '../middleware/auth.ts';
import { cellText, currentResults, heatmap, type Heatmap, type HeatResult } from '../rules/heatmap.ts';
import { csvBody, csvResponse } from '../records/csv.ts';
import type { BatchItem } from 'drizzle-orm/batch';
import { and, asc, count, eq, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { AsOfSchema, Id, IdParam, isDateOnly } from './schemas.ts';
import { CalendarDate } from '../lib/dates.ts';

/** A date here means the end of that day in the tenant's zone. */
const AsOf = v.pipe(AsOfSchema, v.description('时刻（ISO 8601）或日期（当天北京时间结束时）'));
const StatusList = v.pipe(
  v.string(),
  v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  v.array(v.picklist(Object.keys(statuses) as [Status, ...Status[]])),
);
const CsvFormat = v.optional(v.pipe(v.picklist(['json', 'csv']), v.description('csv：导出全部结果（UTF-8 带 BOM，中文表头）')));
const Limit = v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)), '100');

const ComplianceQuery = v.strictObject({
  asOf: v.optional(AsOf),
  rule: v.optional(v.pipe(v.string(), v.maxLength(20))),
  orgUnit: v.optional(Id),
  person: v.optional(Id),
  status: v.optional(StatusList),
  limit: Limit,
  cursor: v.optional(OffsetCursor),
  period: v.optional(v.pipe(v.string(), v.maxLength(40), v.description('期间标识（如 2012-Q2），或 current：每条规则 × 对象只取当前期间（期限未过的最近一期，否则最后一期），与督办热力图一致'))),
  direct: v.optional(v.pipe(v.picklist(['true', 'false']), v.description('与 orgUnit 同用：true 只取直属于该组织的对象（本级），不含下级组织'))),
  format: CsvFormat,
});
const HeatmapQuery = v.strictObject({
  orgUnit: v.optional(v.pipe(Id, v.description('看哪个组织的下级；默认为本人的权限范围（管理员为全妇联）'))),
  asOf: v.optional(AsOf),
  format: CsvFormat,
});
/** The longest window /deadlines evaluates in one request: a year, as a calendar or a plan needs. */
export const MAX_DEADLINE_WINDOW_DAYS = 366;
const DeadlinesQuery = v.pipe(
  v.strictObject({
    from: v.pipe(CalendarDate, v.description('期限不早于此日（含）')),
    to: v.pipe(CalendarDate, v.description(`期限不晚于此日（含）；与 from 相隔最多 ${MAX_DEADLINE_WINDOW_DAYS} 天`)),
    asOf: v.optional(AsOf),
    rule: v.optional(v.pipe(v.string(), v.maxLength(20))),
    status: v.optional(StatusList),
    limit: Limit,
    cursor: v.optional(OffsetCursor),
    format: CsvFormat,
  }),
  v.forward(
    v.partialCheck([['from'], ['to']], (q) => q.to >= q.from, msg('to 不能早于 from', 'to must not be before from')),
    ['to'],
  ),
  v.forward(
    v.partialCheck([['from'], ['to']], (q) => daysBetween(q.from, q.to) < MAX_DEADLINE_WINDOW_DAYS, msg(`时间窗口最长 ${MAX_DEADLINE_WINDOW_DAYS} 天，请分段查询`, `the window may span at most ${MAX_DEADLINE_WINDOW_DAYS} days`)),
    ['to'],
  ),
);
const OneQuery = v.strictObject({ asOf: v.optional(AsOf) });

const PartResultSchema = v.object({ label: v.string(), metric: v.string(), target: v.nullable(v.number()), actual: v.nullable(v.number()), targetText: v.string(), actualText: v.string(), met: v.boolean(), missing: v.array(v.string()) });
export const ResultSchema = v.object({
  ruleId: v.string(),
  title: v.string(),
  source: v.object({ document: v.string(), clause: v.string() }),
  interpretation: v.optional(v.string()),
  subject: v.object({ type: v.picklist(['person', 'orgUnit', 'tenant', 'case']), id: v.string(), name: v.string(), orgUnitId: v.nullable(v.string()), personId: v.nullable(v.string()) }),
  period: v.object({ key: v.string(), label: v.string(), start: v.string(), end: v.string() }),
  due: v.pipe(v.string(), v.description('最后一天（北京时间）')),
  dueEndsAt: v.pipe(v.string(), v.description('期限结束的时刻（UTC）')),
  status: v.picklist(Object.keys(statuses) as [Status, ...Status[]]),
  statusLabel: v.string(),
  target: v.nullable(v.number()),
  actual: v.nullable(v.number()),
  targetText: v.string(),
  actualText: v.string(),
  missing: v.array(v.string()),
  parts: v.array(PartResultSchema),
});
const ListResult = v.object({ asOf: v.string(), items: v.array(ResultSchema), nextCursor: v.nullable(v.string()), summary: v.record(v.string(), v.number()) });

function parseAsOf(value: string | undefined, tz: string, now: Date): Date {
  if (!value) return now;
  if (isDateOnly(value)) return new Date(endOfLocalDay(value, tz).getTime() - 1);
  return new Date(value);
}

/**
 * Which results a query reads: the materialised ones (as of the end of today) when it asks about
 * today (no asOf, or today's date) and its window lies within what is kept; otherwise it evaluates.
 */
function sourceOf(asOfParam: string | undefined, tz: string, now: Date, window?: { from: string; to: string }): { stored: true; day: string; asOf: Date } | { stored: false; asOf: Date } {
  const day = localDate(now, tz);
  const kept = materialisedWindow(day);
  const today = !asOfParam || asOfParam === day;
  if (today && (!window || (window.from >= kept.from && window.to <= kept.to))) return { stored: true, day, asOf: endOfDayInstant(day, tz) };
  return { stored: false, asOf: parseAsOf(asOfParam, tz, now) };
}

/** The results the caller may see: admins all; supervisors their subtree and themselves; members themselves. */
type Scope = { all: true } | { all: false; personId: string; subtreeOf: string | null };
function scopeOf(c: Context<AppEnv>): Scope {
  const user = c.get('user');
  if (user.access === 'admin') return { all: true };
  return { all: false, personId: user.id, subtreeOf: user.access === 'supervisor' && user.orgUnitId ? user.orgUnitId : null };
}

/** The scope as a filter over evaluated results. */
async function scopeFilter(c: Context<AppEnv>, scope: Scope): Promise<(r: ComplianceResult) => boolean> {
  if (scope.all) return () => true;
  // The federation's own results carry its root unit, so they are within the root's subtree only.
  const units = new Set(scope.subtreeOf ? await subtreeIds(c.get('db'), scope.subtreeOf) : []);
  return (r) => r.subject.personId === scope.personId || (r.subject.orgUnitId !== null && units.has(r.subject.orgUnitId));
}

const R = complianceResults;
/** The scope as SQL over materialised results. */
const scopeSql = (scope: Scope): SQL | undefined =>
  scope.all ? undefined : scope.subtreeOf ? or(eq(R.personId, scope.personId), inSubtree(R.orgUnitId, scope.subtreeOf)) : eq(R.personId, scope.personId);

/** Results as a spreadsheet: one row per rule × subject × period. */
function complianceCsv(results: ComplianceResult[]): string {
  return csvBody(
    ['规则', '事项', '依据', '对象', '期间', '期限', '状态', '目标', '完成', '尚缺'],
    results.map((r) => [r.ruleId, r.title, `${r.source.document} ${r.source.clause}`, r.subject.name, r.period.label, r.due, statuses[r.status], r.targetText, r.actualText, r.missing.join('；')]),
  );
}

const HeatCounts = v.object(Object.fromEntries(Object.keys(statuses).map((k) => [k, v.number()])));
const HeatmapResult = v.object({
  asOf: v.string(),
  today: v.string(),
  orgUnit: v.object({ id: v.string(), name: v.string(), path: v.pipe(v.array(v.object({ id: v.string(), name: v.string() })), v.description('从本人权限范围的最上级到 orgUnit')) }),
  rows: v.array(v.object({ orgUnitId: v.string(), name: v.string(), self: v.pipe(v.boolean(), v.description('true：本级这一行')), hasChildren: v.boolean() })),
  columns: v.array(v.object({ ruleId: v.string(), title: v.string(), periods: v.array(v.string()) })),
  cells: v.array(v.object({ orgUnitId: v.string(), ruleId: v.string(), status: v.picklist(Object.keys(statuses) as [Status, ...Status[]]), total: v.number(), met: v.number(), counts: HeatCounts })),
});

/** The units from `topId` down to `unitId`, or undefined when `unitId` is not at or below `topId`. */
function pathBetween(units: { id: string; name: string; parentId: string | null }[], topId: string, unitId: string) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const path: { id: string; name: string }[] = [];
  for (let at = byId.get(unitId); at; at = at.parentId ? byId.get(at.parentId) : undefined) {
    path.unshift({ id: at.id, name: at.name });
    if (at.id === topId) return path;
    if (path.length > units.length) break;
  }
  return undefined;
}

/** The heat map as on screen: one row per unit, one column per rule. */
function heatmapCsv(map: Heatmap): string {
  const at = new Map(map.cells.map((cell) => [`${cell.orgUnitId}\u0000${cell.ruleId}`, cell]));
  return csvBody(
    ['组织', ...map.columns.map((col) => `${col.ruleId} ${col.title}（${col.periods.join('、')}）`)],
    map.rows.map((row) => [row.self ? `${row.name}（本级）` : row.name, ...map.columns.map((col) => {
      const cell = at.get(`${row.orgUnitId}\u0000${col.ruleId}`);
      return cell ? cellText(cell) : '';
    })]),
  );
}

const view = (r: ComplianceResult) => ({ ...r, statusLabel: statuses[r.status] });
/** Due date, rule (L2 before L10), period, subject: the order of every list, evaluated or stored. */
const order = (a: ComplianceResult, b: ComplianceResult) =>
  a.due.localeCompare(b.due) || compareRuleIds(a.ruleId, b.ruleId) || a.period.start.localeCompare(b.period.start) || (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0);
const storedOrder = [asc(R.due), asc(R.ruleRank), asc(R.periodStart), asc(R.subjectId)];
/** The cursor of the page after [offset, offset + limit) of `total` results: its offset. */
const nextOf = (offset: number, limit: number, total: number) => (offset + limit < total ? encodeCursor(String(offset + limit)) : null);
/** One page of sorted results; the cursor is the offset of the next page. */
function pageOfResults(results: ComplianceResult[], cursor: number | undefined, limit: number) {
  const offset = cursor ?? 0;
  const page = results.slice(offset, offset + limit);
  return { page, nextCursor: nextOf(offset, limit, results.length) };
}
const summarise = (items: ComplianceResult[]) => Object.fromEntries(Object.keys(statuses).map((s) => [s, items.filter((r) => r.status === s).length]));
const summaryOf = (rows: { status: string; n: number }[]) => Object.fromEntries(Object.keys(statuses).map((s) => [s, rows.find((r) => r.status === s)?.n ?? 0]));

export const complianceRoutes = (deps: AppDeps) => {
  /**
   * A list of results: the materialised ones filtered and paged in SQL, or (another day) evaluated
   * and filtered here; `where` and `keep` say the same thing in the two languages.
   */
  const list = async (
    c: Context<AppEnv>,
    q: { asOf?: string; rule?: string; status?: Status[]; limit: number; cursor?: number; format?: 'json' | 'csv' },
    filter: { where: (day: string) => (SQL | undefined)[]; keep: (r: ComplianceResult) => boolean; current?: boolean; window?: { from: string; to: string }; scope?: Scope; subject?: () => BatchItem<'sqlite'> },
  ) => {
    const tenant = c.get('tenant');
    const scope = filter.scope ?? scopeOf(c);
    const source = sourceOf(q.asOf, tenant.timeZone, deps.clock.now(), filter.window);
    const statusIn = q.status && inArray(R.status, q.status);
    if (source.stored) {
      const where = and(scopeSql(scope), ...filter.where(source.day), q.rule ? eq(R.ruleId, q.rule) : undefined);
      const db = c.get('db');
      const offset = q.format === 'csv' ? 0 : (q.cursor ?? 0);
      const page = () => db.select({ body: R.body }).from(R).where(and(where, statusIn)).orderBy(...storedOrder).limit(q.format === 'csv' ? -1 : q.limit).offset(offset);
      const subject = filter.subject;
      if (subject) {
        // One subject's whole list: it is read with its results (one round trip) and counted from them.
        const [rows, found] = await readFresh(db, tenant, deps.clock.now(), () => [page(), subject()]);
        if (!(found as unknown[]).length) throw notFound();
        const items = rows.map(storedResults(tenant));
        return { asOf: source.asOf, items, nextCursor: null, summary: summarise(items) };
      }
      const [rows, counts] = await readFresh(db, tenant, deps.clock.now(), () => [page(), db.select({ status: R.status, n: count() }).from(R).where(where).groupBy(R.status)]);
      const summary = summaryOf(counts);
      const total = q.status ? q.status.reduce((n, s) => n + (summary[s] ?? 0), 0) : Object.values(summary).reduce((a, b) => a + b, 0);
      return { asOf: source.asOf, items: rows.map(storedResults(tenant)), nextCursor: nextOf(offset, q.limit, total), summary: q.status ? summaryOf(counts.filter((r) => q.status!.includes(r.status as Status))) : summary };
    }
    if (filter.subject && !(await (filter.subject() as unknown as Promise<unknown[]>)).length) throw notFound();
    const visible = await scopeFilter(c, scope);
    const evaluated = await evaluateTenant(c.get('db'), tenant, { asOf: source.asOf, ruleIds: q.rule ? [q.rule] : undefined, ...(filter.window && { window: filter.window }) });
    const chosen = filter.current ? currentResults(evaluated, localDate(source.asOf, tenant.timeZone)) : evaluated;
    const results = chosen.filter(visible).filter(filter.keep).filter((r) => !q.status || q.status.includes(r.status)).sort(order);
    const { page, nextCursor } = q.format === 'csv' ? { page: results, nextCursor: null } : pageOfResults(results, q.cursor, q.limit);
    return { asOf: source.asOf, items: page, nextCursor, summary: summarise(results) };
  };
  /** One person's or unit's results: whoever may open the person or unit sees all of them. */
  const everything: Scope = { all: true };
  const unitOnly = (unitId: string) => (r: ComplianceResult) => r.subject.type !== 'person' && r.subject.orgUnitId === unitId;
  return new Hono<AppEnv>()
    .get('/rules', doc({ tag: '考核', summary: '本妇联的考核规则（含文件出处和解释）', ok: { schema: v.object({ items: v.array(v.unknown()), campaigns: v.array(v.unknown()) }) } }), (c) =>
      c.json({ items: c.get('tenant').rules, campaigns: c.get('tenant').campaigns }),
    )
    .get(
      '/compliance',
      doc({ tag: '考核', summary: '考核结果：规则 × 对象 × 期间（按权限范围）', description: '默认为今天（北京时间）结束时的结果：期限在过去一年内或正在进行的期间，直接读取随每次登记更新的结果表。指定其他日期或时刻（asOf）时按当时重新计算。status 可为 met、on_track、at_risk、missed、late、not_applicable（无可计算对象），逗号分隔。', ok: { schema: ListResult } }),
      validate('query', ComplianceQuery),
      async (c) => {
        const q = c.req.valid('query');
        const tenant = c.get('tenant');
        // Under a unit: the units below it too, but not the federation's own results (those sit at the root only, directly).
        const unitSet = q.orgUnit && q.direct !== 'true' ? new Set(await subtreeIds(c.get('db'), q.orgUnit)) : undefined;
        const out = await list(c, q, {
          current: q.period === 'current',
          where: (day) => [
            q.period === 'current' ? and(eq(R.isCurrent, true), lte(R.periodStart, day)) : lte(R.periodStart, day),
            q.period && q.period !== 'current' ? eq(R.periodKey, q.period) : undefined,
            q.orgUnit ? (q.direct === 'true' ? eq(R.orgUnitId, q.orgUnit) : and(ne(R.subjectType, 'tenant'), inSubtree(R.orgUnitId, q.orgUnit))) : undefined,
            q.person ? eq(R.personId, q.person) : undefined,
          ],
          keep: (r) =>
            (!q.period || q.period === 'current' || r.period.key === q.period) &&
            (!q.orgUnit || (q.direct === 'true' ? r.subject.orgUnitId === q.orgUnit : r.subject.type !== 'tenant' && r.subject.orgUnitId !== null && unitSet!.has(r.subject.orgUnitId))) &&
            (!q.person || r.subject.personId === q.person),
        });
        if (q.format === 'csv') return csvResponse(c, 'compliance', `考核结果-${tenant.name}`, complianceCsv(out.items));
        return c.json({ asOf: out.asOf.toISOString(), items: out.items.map(view), nextCursor: out.nextCursor, summary: out.summary });
      },
    )
    .get(
      '/compliance/heatmap',
      doc({
        tag: '考核',
        summary: '督办热力图：下级组织 × 规则（督导、管理员）',
        description: '每行是 orgUnit 的一个直属下级组织（含其全部下级），另有一行“本级”（直属于 orgUnit 的人员、组织本身及其案件；在最上级时含全妇联层面的规则）。每格取各规则 × 对象的当前期间（与 /compliance?period=current 相同），给出达标数 met、应考核数 total（不含不适用）、各状态的数目，以及最差的状态 status（全部不适用时为 not_applicable）。format=csv 导出与页面相同的表。',
        ok: { schema: HeatmapResult },
      }),
      requireAccess('admin', 'supervisor'),
      validate('query', HeatmapQuery),
      async (c) => {
        const q = c.req.valid('query');
        const tenant = c.get('tenant');
        const user = c.get('user');
        const scopeRoot = user.access === 'admin' ? tenant.orgUnits.id : user.orgUnitId;
        if (!scopeRoot) throw forbidden();
        const rootId = q.orgUnit ?? scopeRoot;
        const db = c.get('db');
        const units = await db.select({ id: orgUnits.id, name: orgUnits.name, parentId: orgUnits.parentId, sortOrder: orgUnits.sortOrder }).from(orgUnits).where(isNull(orgUnits.deletedAt));
        const path = pathBetween(units, scopeRoot, rootId);
        if (!path) throw notFound();
        const scope = scopeOf(c);
        const source = sourceOf(q.asOf, tenant.timeZone, deps.clock.now());
        const today = localDate(source.asOf, tenant.timeZone);
        let results: HeatResult[];
        if (source.stored) {
          // Only what a cell needs, read from the stored rows without unpacking them.
          const [rows] = await readFresh(db, tenant, deps.clock.now(), () => [
            db.select({ ruleId: R.ruleId, type: R.subjectType, orgUnitId: R.orgUnitId, status: R.status, label: sql<string>`json_extract(${R.body}, '$.period.label')` })
              .from(R).where(and(scopeSql(scope), eq(R.isCurrent, true), lte(R.periodStart, source.day))),
          ]);
          const commons = ruleCommons(tenant);
          results = rows.map((r) => ({ ruleId: r.ruleId, title: commons.get(r.ruleId)?.title ?? r.ruleId, status: r.status as Status, subject: { type: r.type, orgUnitId: r.orgUnitId }, period: { label: r.label } }));
        } else {
          const visible = await scopeFilter(c, scope);
          results = currentResults(await evaluateTenant(db, tenant, { asOf: source.asOf }), today).filter(visible);
        }
        const map = heatmap(results, units, rootId, { rootIsTenant: rootId === tenant.orgUnits.id, ruleOrder: tenant.rules.map((r) => r.id) });
        if (q.format === 'csv') return csvResponse(c, 'heatmap', `督办热力图-${path[path.length - 1].name}`, heatmapCsv(map));
        return c.json({ asOf: source.asOf.toISOString(), today, orgUnit: { id: rootId, name: path[path.length - 1].name, path }, ...map });
      },
    )
    .get('/compliance/people/:id', doc({ tag: '考核', summary: '一名人员的全部考核结果', ok: { schema: ListResult } }), validate('param', IdParam), validate('query', OneQuery), async (c) => {
      const { id } = c.req.valid('param');
      const subject = () => c.get('db').select({ id: people.id }).from(people).where(and(eq(people.id, id), isNull(people.deletedAt), peopleScope(c.get('user'))));
      const out = await list(c, { asOf: c.req.valid('query').asOf, limit: 100_000 }, { scope: everything, subject, where: (day) => [lte(R.periodStart, day), eq(R.personId, id)], keep: (r) => r.subject.personId === id });
      return c.json({ asOf: out.asOf.toISOString(), items: out.items.map(view), nextCursor: null, summary: out.summary });
    })
    .get('/compliance/org-units/:id', doc({ tag: '考核', summary: '一个组织的全部考核结果（含以其为对象的规则和其案件）', ok: { schema: ListResult } }), validate('param', IdParam), validate('query', OneQuery), async (c) => {
      const { id } = c.req.valid('param');
      const user = c.get('user');
      // An admin opens any live unit; a supervisor hers and those below it; a member none.
      const mayOpen = user.access === 'admin' ? undefined : user.access === 'supervisor' && user.orgUnitId ? inSubtree(orgUnits.id, user.orgUnitId) : sql`0`;
      const subject = () => c.get('db').select({ id: orgUnits.id }).from(orgUnits).where(and(eq(orgUnits.id, id), isNull(orgUnits.deletedAt), mayOpen));
      // The unit as a subject, its cases and, at the root, the federation's own results: all carry the unit, none is a person.
      const out = await list(c, { asOf: c.req.valid('query').asOf, limit: 100_000 }, { scope: everything, subject, where: (day) => [lte(R.periodStart, day), ne(R.subjectType, 'person'), eq(R.orgUnitId, id)], keep: unitOnly(id) });
      return c.json({ asOf: out.asOf.toISOString(), items: out.items.map(view), nextCursor: null, summary: out.summary });
    })
    .get(
      '/deadlines',
      doc({ tag: '考核', summary: '期限在 from–to（含）之间的事项及其当前状态（分页）', description: `窗口最长 ${MAX_DEADLINE_WINDOW_DAYS} 天；按期限排序，每页 limit 条（默认 100，最多 1000），nextCursor 取下一页。窗口在今天前 ${PAST_DAYS} 天至后 ${AHEAD_DAYS} 天之内且未指定其他 asOf 时直接读取结果表，否则按 asOf 重新计算。`, ok: { schema: v.object({ asOf: v.string(), today: v.string(), items: v.array(ResultSchema), nextCursor: v.nullable(v.string()) }) } }),
      validate('query', DeadlinesQuery),
      async (c) => {
        const q = c.req.valid('query');
        const out = await list(c, q, {
          window: { from: q.from, to: q.to },
          where: () => [gte(R.due, q.from), lte(R.due, q.to)],
          keep: (r) => r.due >= q.from && r.due <= q.to,
        });
        if (q.format === 'csv') return csvResponse(c, 'deadlines', `期限-${c.get('tenant').name}-${q.from}至${q.to}`, complianceCsv(out.items));
        return c.json({ asOf: out.asOf.toISOString(), today: localDate(out.asOf, c.get('tenant').timeZone), items: out.items.map(view), nextCursor: out.nextCursor });
      },
    );
};
