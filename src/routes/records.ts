/**
 * One Hono sub-app per field-record resource, generated from its entry in
 * src/records/resources.ts: list (filters, cursor, CSV export), get, create,
 * update, soft delete. Every write is audited in the same transaction.
 */
import { Hono } from '../lib/hono.ts';
import type { Context } from 'hono';
import * as v from 'valibot';
import { and, asc, eq, gt, gte, isNull, lte, lt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AppDeps, AppEnv } from '../env.ts';
import { AppError, conflict, notFound } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc, PageQuery, encodeCursor } from '../lib/openapi.ts';
import { endOfLocalDay, startOfLocalDay } from '../lib/time.ts';
import { inSubtree } from '../db/org-tree.ts';
import { bodySchemas, type FieldSpec } from '../records/fields.ts';
import type { ResourceDef } from '../records/resources.ts';
import { assertMayWrite, readScope } from '../records/access.ts';
import { auditContext, auditIfChanged, auditInsert, diff } from '../records/audit.ts';
import { prepareRow, refLookup, storedRow, toView } from '../records/store.ts';
import { newId } from '../lib/ids.ts';
import { csvResponse, toCsv } from '../records/csv.ts';
import { commitWrite } from '../middleware/idempotency.ts';
import { Id, IdParam } from './schemas.ts';
import { CalendarDate } from '../lib/dates.ts';
import { selectWhole, tableRows } from '../db/table-rows.ts';

type Row = Record<string, unknown>;
export const EXPORT_MAX_ROWS = 100_000;

function filterSchema(spec: FieldSpec) {
  if (spec.kind === 'enum') return v.picklist(Object.keys(spec.values!) as [string, ...string[]]);
  if (spec.kind === 'bool') return v.picklist(['true', 'false']);
  return v.pipe(v.string(), v.maxLength(100));
}

/** The shape of one record in responses (for the OpenAPI document). */
export function viewSchema(def: ResourceDef) {
  const out = (s: FieldSpec): v.GenericSchema =>
    s.kind === 'int' ? v.number() : s.kind === 'bool' ? v.boolean() : s.kind === 'categories' ? v.array(v.string()) : s.kind === 'enum' ? v.picklist(Object.keys(s.values!) as [string, ...string[]]) : v.string();
  return v.object({
    id: v.string(),
    ...Object.fromEntries(Object.entries(def.fields).map(([k, s]) => [k, v.pipe(v.nullable(out(s)), v.description(s.label))])),
    createdBy: v.nullable(v.string()),
    createdAt: v.string(),
    updatedAt: v.string(),
    redacted: v.optional(v.pipe(v.array(v.string()), v.description('因权限未显示的敏感字段'))),
  });
}

export function listQuerySchema(def: ResourceDef): v.GenericSchema {
  return v.strictObject({
    ...PageQuery,
    person: v.optional(Id),
    orgUnit: v.optional(Id),
    subunits: v.optional(v.picklist(['true', 'false'])),
    ...(def.dateField ? { from: v.optional(CalendarDate), to: v.optional(CalendarDate) } : {}),
    format: v.optional(v.picklist(['json', 'csv'])),
    headers: v.optional(v.picklist(['zh', 'en'])),
    ...Object.fromEntries(def.filters.map((name) => [name, v.optional(v.pipe(filterSchema(def.fields[name]), v.description(`按${def.fields[name].label}筛选`)))])),
  }) as v.GenericSchema;
}

export function recordRoutes(def: ResourceDef, deps: AppDeps) {
  const t = def.table;
  const col = (name: string) => t[name] as SQLiteColumn;
  const { create, update } = bodySchemas(def.fields);
  const View = viewSchema(def);
  const ListQuery = listQuerySchema(def);
  const tag = def.label;

  const auditCtx = (c: { get: Context<AppEnv>['get'] }) => auditContext(c, deps.clock.now());
  const isSensitiveRead = (row: Row) => def.auditReads || (def.aboutMinor?.(row) ?? false);
  const findVisible = async (c: { get: Context<AppEnv>['get'] }, id: string) =>
    (await c.get('db').select().from(t).where(and(eq(col('id'), id), isNull(col('deletedAt')), readScope(c.get('user'), t as never))).limit(1))[0] as Row | undefined;

  return new Hono<AppEnv>()
    .get(
      '/',
      doc({ tag, summary: `${def.label}列表（按权限范围；format=csv 导出全部）`, ok: { schema: v.object({ items: v.array(View), nextCursor: v.nullable(v.string()) }) } }),
      validate('query', ListQuery),
      async (c) => {
        const q = c.req.valid('query') as Record<string, string | number | undefined>;
        const tz = c.get('tenant').timeZone;
        const conds: (SQL | undefined)[] = [isNull(col('deletedAt')), readScope(c.get('user'), t as never)];
        if (q.person) conds.push(eq(col('personId'), q.person));
        if (q.orgUnit) conds.push(q.subunits === 'true' ? inSubtree(col('orgUnitId'), String(q.orgUnit)) : eq(col('orgUnitId'), q.orgUnit));
        if (def.dateField) {
          const dateCol = col(def.dateField);
          const instant = def.fields[def.dateField].kind === 'instant';
          if (q.from) conds.push(gte(dateCol, instant ? startOfLocalDay(String(q.from), tz).toISOString() : q.from));
          if (q.to) conds.push(instant ? lt(dateCol, endOfLocalDay(String(q.to), tz).toISOString()) : lte(dateCol, q.to));
        }
        for (const name of def.filters) {
          const value = q[name];
          if (value !== undefined) conds.push(eq(col(name), def.fields[name].kind === 'bool' ? value === 'true' : value));
        }
        const csv = q.format === 'csv';
        const after = csv ? undefined : (q.cursor as string | undefined);
        if (after) conds.push(gt(col('id'), after));
        const limit = csv ? EXPORT_MAX_ROWS : Number(q.limit);
        const rows = await tableRows(c.get('db'), t, selectWhole(c.get('db'), t).where(and(...conds)).orderBy(asc(col('id'))).limit(limit + 1));
        const page = rows.slice(0, limit);
        const audited = page.filter(isSensitiveRead).map((r) => r.id);
        if (audited.length) await auditInsert(auditCtx(c), 'read', def.path, null, { ids: audited });
        const views = page.map((r) => toView(def, r, c.get('user')));
        if (csv) return csvResponse(c, def.path, def.label, toCsv(def, views, q.headers === 'en' ? 'en' : 'zh', c.get('tenant').timeZone), rows.length > limit ? { 'x-truncated': `${limit}` } : {});
        return c.json({ items: views, nextCursor: rows.length > limit ? encodeCursor(String(page[page.length - 1].id)) : null });
      },
    )
    .get('/:id', doc({ tag, summary: `查看${def.label}`, ok: { schema: View } }), validate('param', IdParam), async (c) => {
      const row = await findVisible(c, c.req.valid('param').id);
      if (!row) throw notFound();
      if (isSensitiveRead(row)) await auditInsert(auditCtx(c), 'read', def.path, String(row.id));
      return c.json(toView(def, row, c.get('user')));
    })
    .post(
      '/',
      doc({ tag, summary: `新增${def.label}`, description: '支持 Idempotency-Key 请求头：重试时返回首次结果，不重复写入。', ok: { status: 201, schema: View } }),
      validate('json', create),
      async (c) => {
        const user = c.get('user');
        const { row, errors } = await prepareRow(def, user, refLookup(c.get('db'), user, c.get('tenant')), c.req.valid('json') as Row);
        if (errors.length) throw new AppError('VALIDATION_FAILED', { fields: errors });
        await assertMayWrite(c.get('db'), user, def, row);
        const now = deps.clock.now().toISOString();
        const record: Row = { ...storedRow(def, row), id: newId(), createdBy: user.id, createdAt: now, updatedAt: now, deletedAt: null };
        if (def.fields.submittedAt && !record.submittedAt) record.submittedAt = now;
        const ctx = auditCtx(c);
        return commitWrite(c, [c.get('db').insert(t).values(record as never), auditInsert(ctx, 'create', def.path, String(record.id), diff(def.fields, null, row))], 201, toView(def, record, user));
      },
    )
    .patch('/:id', doc({ tag, summary: `修改${def.label}`, ok: { schema: View } }), validate('param', IdParam), validate('json', update), async (c) => {
      const user = c.get('user');
      const existing = await findVisible(c, c.req.valid('param').id);
      if (!existing) throw notFound();
      const input = c.req.valid('json') as Row;
      const { row, errors } = await prepareRow(def, user, refLookup(c.get('db'), user, c.get('tenant')), input, existing);
      if (errors.length) throw new AppError('VALIDATION_FAILED', { fields: errors });
      await assertMayWrite(c.get('db'), user, def, row, existing);
      const now = deps.clock.now().toISOString();
      const changes = Object.fromEntries(Object.keys(def.fields).filter((k) => k in row).map((k) => [k, row[k] ?? null]));
      const next = { ...storedRow(def, changes), updatedAt: now };
      const ctx = auditCtx(c);
      const [updated] = (await c.get('db').batch([
        c.get('db').update(t).set(next as never).where(and(eq(col('id'), existing.id), eq(col('updatedAt'), existing.updatedAt), isNull(col('deletedAt')))).returning(),
        auditIfChanged(ctx, 'update', def.path, String(existing.id), diff(def.fields, existing, storedRow(def, row))),
      ])) as [Row[], unknown];
      if (!updated.length) throw conflict('记录已被他人修改或删除，请刷新后重试', 'The record was changed or deleted meanwhile; reload and retry');
      return c.json(toView(def, updated[0], user));
    })
    .delete('/:id', doc({ tag, summary: `删除${def.label}（软删除，保留审计）`, ok: { status: 204 } }), validate('param', IdParam), async (c) => {
      const user = c.get('user');
      const existing = await findVisible(c, c.req.valid('param').id);
      if (!existing) throw notFound();
      await assertMayWrite(c.get('db'), user, def, existing, existing);
      const now = deps.clock.now().toISOString();
      const [deleted] = (await c.get('db').batch([
        c.get('db').update(t).set({ deletedAt: now, updatedAt: now } as never).where(and(eq(col('id'), existing.id), isNull(col('deletedAt')))).returning(),
        auditIfChanged(auditCtx(c), 'delete', def.path, String(existing.id), {}),
      ])) as [Row[], unknown];
      if (!deleted.length) throw notFound();
      return c.body(null, 204);
    });
}
