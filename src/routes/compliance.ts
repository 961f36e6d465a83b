import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import type { AppDeps, AppEnv } from '../env.ts';
import { notFound } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc, encodeCursor, OffsetCursor } from '../lib/openapi.ts';
import { daysBetween, endOfLocalDay, localDate } from '../lib/time.ts';
import { msg } from '../lib/valibot-zh.ts';
import { subtreeIds, isWithin } from '../db/org-tree.ts';
import { evaluateTenant, type ComplianceResult } from '../rules/engine.ts';
import { statuses, type Status } from '../rules/status.ts';
import { peopleScope } from './people.ts';
import { people } from '../../db/schema.ts';
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
const Limit = v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)), '100');

const ComplianceQuery = v.strictObject({
  asOf: v.optional(AsOf),
  rule: v.optional(v.pipe(v.string(), v.maxLength(20))),
  orgUnit: v.optional(Id),
  person: v.optional(Id),
  status: v.optional(StatusList),
  limit: Limit,
  cursor: v.optional(OffsetCursor),
  format: v.optional(v.pipe(v.picklist(['json', 'csv']), v.description('csv：导出全部结果（UTF-8 带 BOM，中文表头）'))),
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
        const unitFilter = q.orgUnit ? new Set(await subtreeIds(c.var.db, q.orgUnit)) : undefined;
        const results = (await evaluateTenant(c.var.db, tenant, { asOf, ruleIds: q.rule ? [q.rule] : undefined }))
          .filter(visible)
          .filter((r) => !unitFilter || (r.subject.orgUnitId !== null && unitFilter.has(r.subject.orgUnitId)))
          .filter((r) => !q.person || r.subject.personId === q.person)
          .filter((r) => !q.status || q.status.includes(r.status))
          .sort(order);
        if (q.format === 'csv') return csvResponse(c, 'compliance', `考核结果-${tenant.name}`, complianceCsv(results));
        const { page, nextCursor } = pageOfResults(results, q.cursor, q.limit);
        return c.json({ asOf: asOf.toISOString(), items: page.map(view), nextCursor, summary: summarise(results) });
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
        const { page, nextCursor } = pageOfResults(items, q.cursor, q.limit);
        return c.json({ asOf: asOf.toISOString(), today: localDate(asOf, tenant.timeZone), items: page.map(view), nextCursor });
      },
    );
};
