import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { AppDeps, AppEnv } from '../env.ts';
import { forbidden, notFound } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc, encodeCursor, OffsetCursor } from '../lib/openapi.ts';
import { daysBetween, endOfLocalDay, localDate } from '../lib/time.ts';
import { msg } from '../lib/valibot-zh.ts';
import { subtreeIds, isWithin } from '../db/org-tree.ts';
import { evaluateTenant, type ComplianceResult } from '../rules/engine.ts';
import { statuses, type Status } from '../rules/status.ts';
import { peopleScope } from './people.ts';
import { orgUnits, people } from '../../db/schema.ts';
import { requireAccess } from '../middleware/auth.ts';
import { cellText, currentResults, heatmap, type Heatmap } from '../rules/heatmap.ts';
import { csvBody, csvResponse } from '../records/csv.ts';
import { and, eq, isNull } from 'drizzle-orm';
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

/** Keeps the results the caller may see: admins all; supervisors their subtree; members themselves. */
async function scopeFilter(c: Context<AppEnv>): Promise<(r: ComplianceResult) => boolean> {
  const user = c.var.user;
  if (user.access === 'admin') return () => true;
  if (user.access === 'supervisor' && user.orgUnitId) {
    const units = new Set(await subtreeIds(c.var.db, user.orgUnitId));
    const isRoot = user.orgUnitId === c.var.tenant.orgUnits.id;
    return (r) => (r.subject.type === 'tenant' ? isRoot : r.subject.personId === user.id || (r.subject.orgUnitId !== null && units.has(r.subject.orgUnitId)));
  }
  return (r) => r.subject.personId === user.id;
}

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
const order = (a: ComplianceResult, b: ComplianceResult) =>
  a.due.localeCompare(b.due) || a.ruleId.localeCompare(b.ruleId, 'en', { numeric: true }) || a.period.start.localeCompare(b.period.start) || a.subject.id.localeCompare(b.subject.id);
/** One page of sorted results; the cursor is the offset of the next page. */
function pageOfResults(results: ComplianceResult[], cursor: number | undefined, limit: number) {
  const offset = cursor ?? 0;
  const page = results.slice(offset, offset + limit);
  return { page, nextCursor: offset + limit < results.length ? encodeCursor(String(offset + limit)) : null };
}
const summarise = (items: ComplianceResult[]) => Object.fromEntries(Object.keys(statuses).map((s) => [s, items.filter((r) => r.status === s).length]));

export const complianceRoutes = (deps: AppDeps) => {
  /** Every rule evaluated as of the query's asOf, keeping one subject's results. */
  const oneSubject = async (c: Context<AppEnv>, asOfParam: string | undefined, keep: (r: ComplianceResult) => boolean) => {
    const asOf = parseAsOf(asOfParam, c.var.tenant.timeZone, deps.clock.now());
    const items = (await evaluateTenant(c.var.db, c.var.tenant, { asOf })).filter(keep).sort(order);
    return c.json({ asOf: asOf.toISOString(), items: items.map(view), nextCursor: null, summary: summarise(items) });
  };
  return new Hono<AppEnv>()
    .get('/rules', doc({ tag: '考核', summary: '本妇联的考核规则（含文件出处和解释）', ok: { schema: v.object({ items: v.array(v.unknown()), campaigns: v.array(v.unknown()) }) } }), (c) =>
      c.json({ items: c.var.tenant.rules, campaigns: c.var.tenant.campaigns }),
    )
    .get(
      '/compliance',
      doc({ tag: '考核', summary: '考核结果：规则 × 对象 × 期间（按权限范围）', description: '默认计算截至现在、期限在过去一年内或正在进行的期间。status 可为 met、on_track、at_risk、missed、late、not_applicable（无可计算对象），逗号分隔。', ok: { schema: ListResult } }),
      validate('query', ComplianceQuery),
      async (c) => {
        const q = c.req.valid('query');
        const tenant = c.var.tenant;
        const asOf = parseAsOf(q.asOf, tenant.timeZone, deps.clock.now());
        const visible = await scopeFilter(c);
        const unitFilter = q.orgUnit ? (q.direct === 'true' ? new Set([q.orgUnit]) : new Set(await subtreeIds(c.var.db, q.orgUnit))) : undefined;
        const inUnit = (r: ComplianceResult) => !unitFilter || (r.subject.type === 'tenant' ? q.direct === 'true' && q.orgUnit === tenant.orgUnits.id : r.subject.orgUnitId !== null && unitFilter.has(r.subject.orgUnitId));
        const evaluated = (await evaluateTenant(c.var.db, tenant, { asOf, ruleIds: q.rule ? [q.rule] : undefined })).filter(visible);
        const inPeriod = q.period === 'current' ? currentResults(evaluated, localDate(asOf, tenant.timeZone)) : evaluated.filter((r) => !q.period || r.period.key === q.period);
        const results = inPeriod
          .filter(inUnit)
          .filter((r) => !q.person || r.subject.personId === q.person)
          .filter((r) => !q.status || q.status.includes(r.status))
          .sort(order);
        if (q.format === 'csv') return csvResponse(c, 'compliance', `考核结果-${tenant.name}`, complianceCsv(results));
        const { page, nextCursor } = pageOfResults(results, q.cursor, q.limit);
        return c.json({ asOf: asOf.toISOString(), items: page.map(view), nextCursor, summary: summarise(results) });
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
        const tenant = c.var.tenant;
        const user = c.var.user;
        const scopeRoot = user.access === 'admin' ? tenant.orgUnits.id : user.orgUnitId;
        if (!scopeRoot) throw forbidden();
        const rootId = q.orgUnit ?? scopeRoot;
        const units = await c.var.db.select({ id: orgUnits.id, name: orgUnits.name, parentId: orgUnits.parentId, sortOrder: orgUnits.sortOrder }).from(orgUnits).where(isNull(orgUnits.deletedAt));
        const path = pathBetween(units, scopeRoot, rootId);
        if (!path) throw notFound();
        const asOf = parseAsOf(q.asOf, tenant.timeZone, deps.clock.now());
        const today = localDate(asOf, tenant.timeZone);
        const visible = await scopeFilter(c);
        const results = currentResults((await evaluateTenant(c.var.db, tenant, { asOf })).filter(visible), today);
        const map = heatmap(results, units, rootId, { rootIsTenant: rootId === tenant.orgUnits.id, ruleOrder: tenant.rules.map((r) => r.id) });
        if (q.format === 'csv') return csvResponse(c, 'heatmap', `督办热力图-${path[path.length - 1].name}`, heatmapCsv(map));
        return c.json({ asOf: asOf.toISOString(), today, orgUnit: { id: rootId, name: path[path.length - 1].name, path }, ...map });
      },
    )
    .get('/compliance/people/:id', doc({ tag: '考核', summary: '一名人员的全部考核结果', ok: { schema: ListResult } }), validate('param', IdParam), validate('query', OneQuery), async (c) => {
      const { id } = c.req.valid('param');
      const person = await c.var.db.query.people.findFirst({ columns: { id: true }, where: and(eq(people.id, id), isNull(people.deletedAt), peopleScope(c.var.user)) });
      if (!person) throw notFound();
      return oneSubject(c, c.req.valid('query').asOf, (r) => r.subject.personId === id);
    })
    .get('/compliance/org-units/:id', doc({ tag: '考核', summary: '一个组织的全部考核结果（含以其为对象的规则和其案件）', ok: { schema: ListResult } }), validate('param', IdParam), validate('query', OneQuery), async (c) => {
      const { id } = c.req.valid('param');
      const user = c.var.user;
      const inScope = user.access === 'admin' || (user.access === 'supervisor' && !!user.orgUnitId && (await isWithin(c.var.db, user.orgUnitId, id)));
      const exists = inScope && (await c.var.db.query.orgUnits.findFirst({ columns: { id: true }, where: (o, { and, eq, isNull }) => and(eq(o.id, id), isNull(o.deletedAt)) }));
      if (!exists) throw notFound();
      const isRoot = id === c.var.tenant.orgUnits.id;
      return oneSubject(c, c.req.valid('query').asOf, (r) => (r.subject.type === 'tenant' ? isRoot : r.subject.type !== 'person' && r.subject.orgUnitId === id));
    })
    .get(
      '/deadlines',
      doc({ tag: '考核', summary: '期限在 from–to（含）之间的事项及其当前状态（分页）', description: `窗口最长 ${MAX_DEADLINE_WINDOW_DAYS} 天；按期限排序，每页 limit 条（默认 100，最多 1000），nextCursor 取下一页。`, ok: { schema: v.object({ asOf: v.string(), today: v.string(), items: v.array(ResultSchema), nextCursor: v.nullable(v.string()) }) } }),
      validate('query', DeadlinesQuery),
      async (c) => {
        const q = c.req.valid('query');
        const tenant = c.var.tenant;
        const asOf = parseAsOf(q.asOf, tenant.timeZone, deps.clock.now());
        const visible = await scopeFilter(c);
        const items = (await evaluateTenant(c.var.db, tenant, { asOf, window: { from: q.from, to: q.to }, ruleIds: q.rule ? [q.rule] : undefined }))
          .filter((r) => r.due >= q.from && r.due <= q.to)
          .filter(visible)
          .filter((r) => !q.status || q.status.includes(r.status))
          .sort(order);
        if (q.format === 'csv') return csvResponse(c, 'deadlines', `期限-${tenant.name}-${q.from}至${q.to}`, complianceCsv(items));
        const { page, nextCursor } = pageOfResults(items, q.cursor, q.limit);
        return c.json({ asOf: asOf.toISOString(), today: localDate(asOf, tenant.timeZone), items: page.map(view), nextCursor });
      },
    );
};
