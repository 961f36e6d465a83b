import { Hono } from '../lib/hono.ts';
import * as v from 'valibot';
import { CalendarDate } from '../lib/dates.ts';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../env.ts';
import { auditLog } from '../../db/schema.ts';
import { validate } from '../lib/validate.ts';
import { doc, PageQuery, encodeCursor } from '../lib/openapi.ts';
import { requireAccess } from '../middleware/auth.ts';
import { endOfLocalDay, startOfLocalDay } from '../lib/time.ts';
import { Id } from './schemas.ts';

const Query = v.strictObject({
  ...PageQuery,
  resource: v.optional(v.pipe(v.string(), v.maxLength(40))),
  recordId: v.optional(Id),
  actor: v.optional(Id),
  action: v.optional(v.picklist(['create', 'update', 'delete', 'read', 'import'])),
  from: v.optional(CalendarDate),
  to: v.optional(CalendarDate),
});
const Entry = v.object({
  id: v.string(),
  at: v.string(),
  actorId: v.nullable(v.string()),
  action: v.string(),
  resource: v.string(),
  recordId: v.nullable(v.string()),
  requestId: v.nullable(v.string()),
  changes: v.pipe(v.unknown(), v.description('{ 字段: [修改前, 修改后] }；敏感字段的值记为 ***')),
});

export const auditRoutes = (_deps: AppDeps) =>
  new Hono<AppEnv>().get(
    '/',
    doc({ tag: '审计', summary: '审计日志（管理员）：写操作，以及信访案件和涉及未成年人的记录的读取', ok: { schema: v.object({ items: v.array(Entry), nextCursor: v.nullable(v.string()) }) } }),
    requireAccess('admin'),
    validate('query', Query),
    async (c) => {
      const q = c.req.valid('query');
      const tz = c.get('tenant').timeZone;
      const before = q.cursor;
      const conds: (SQL | undefined)[] = [
        q.resource ? eq(auditLog.resource, q.resource) : undefined,
        q.recordId ? eq(auditLog.recordId, q.recordId) : undefined,
        q.actor ? eq(auditLog.actorId, q.actor) : undefined,
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.from ? gte(auditLog.at, startOfLocalDay(q.from, tz).toISOString()) : undefined,
        q.to ? lt(auditLog.at, endOfLocalDay(q.to, tz).toISOString()) : undefined,
        before ? lt(auditLog.id, before) : undefined,
      ];
      const rows = await c.get('db').select().from(auditLog).where(and(...conds)).orderBy(desc(auditLog.id)).limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      return c.json({
        items: page.map((r) => ({ ...r, changes: r.changes ? JSON.parse(r.changes) : null })),
        nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].id) : null,
      });
    },
  );
