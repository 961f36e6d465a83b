/**
 * Bulk import of any record kind from CSV (UTF-8, with or without a BOM;
 * Chinese or English headers) or NDJSON. Every row is validated first; if any
 * row is bad nothing is written and each bad row is reported with its line.
 * Otherwise all rows, and their audit entries, land in one transaction, a
 * few thousand rows to a statement (src/db/json-rows.ts).
 */
import { csvParseRows } from 'd3-dsv';
import * as v from 'valibot';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client.ts';
import type { AuthUser } from '../middleware/auth.ts';
import { AppError, type FieldError } from '../lib/errors.ts';
import { issuePath } from '../lib/valibot-zh.ts';
import { bodySchemas, fromCell } from './fields.ts';
import { refTargets, resources, type ResourceDef } from './resources.ts';
import { assertMayWrite } from './access.ts';
import { auditInsert, type AuditContext } from './audit.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { prepareRow, refLookup, storedRow } from './store.ts';
import { newId } from '../lib/ids.ts';
import { BOM } from './csv.ts';
import { auditLog as auditLogTable } from '../../db/schema.ts';
import { insertJsonRows } from '../db/json-rows.ts';

type Row = Record<string, unknown>;
export type ImportFormat = 'csv' | 'ndjson';
export interface RowError {
  line: number;
  path: string;
  message: string;
}

/** A resource by its path (field-trips), glossary id (field_trip) or Chinese name (下基层). */
export function findResource(name: string): ResourceDef | undefined {
  return resources.find((d) => d.path === name || d.kind === name || d.label === name);
}

/**
 * Rows of the file with the line each came from (the header is line 1), and
 * for CSV each field's column header as the file wrote it (`开始日期` or
 * `startDate`), so that errors name the column the person sees.
 */
export function parseRows(def: ResourceDef, format: ImportFormat, text: string): { rows: { line: number; input: Row }[]; errors: RowError[]; written?: Map<string, string> } {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const rows: { line: number; input: Row }[] = [];
  const errors: RowError[] = [];
  if (format === 'ndjson') {
    body.split(/\r?\n/).forEach((raw, i) => {
      if (!raw.trim()) return;
      try {
        const value = JSON.parse(raw);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) errors.push({ line: i + 1, path: '', message: '每行须为一个 JSON 对象' });
        else rows.push({ line: i + 1, input: value as Row });
      } catch {
        errors.push({ line: i + 1, path: '', message: '不是合法的 JSON' });
      }
    });
    return { rows, errors };
  }
  // Comma-separated (the format the import page and errors name); rows of nothing but blanks are skipped.
  const [header, ...data] = csvParseRows(body).filter((cells) => cells.some((cell) => cell.trim()));
  if (!header) return { rows, errors: [{ line: 1, path: '', message: '文件为空' }] };
  const byHeader = new Map<string, string>();
  for (const [name, spec] of Object.entries(def.fields)) {
    if (spec.readOnly) continue;
    byHeader.set(name, name);
    byHeader.set(spec.label, name);
  }
  const written = new Map<string, string>();
  const columns = header.map((h) => {
    const name = byHeader.get(h.trim());
    if (name) written.set(name, h.trim());
    if (!name && h.trim()) errors.push({ line: 1, path: h.trim(), message: `未知的列：${h.trim()}（可用：${[...byHeader.keys()].filter((k) => /[^\x00-\x7f]/.test(k)).join('、')}）` });
    return name;
  });
  data.forEach((cells, i) => {
    const input: Row = {};
    columns.forEach((name, j) => {
      if (!name) return;
      const value = fromCell(def.fields[name], cells[j] ?? '');
      if (value !== undefined) input[name] = value;
    });
    rows.push({ line: i + 2, input });
  });
  return { rows, errors, written };
}

/** Errors whose field is named as the file's header wrote it. */
export function inFileTerms(errors: RowError[], written: Map<string, string> | undefined): RowError[] {
  if (!written) return errors;
  return errors.map((e) => {
    const [field, ...rest] = e.path.split('.');
    const column = written.get(field);
    return column ? { ...e, path: [column, ...rest].join('.') } : e;
  });
}

/** Validates every row as the API would validate a POST of it: schema, references, scope. */
export async function validateRows(db: Db, user: AuthUser, tenant: Pick<TenantConfig, 'rules'>, def: ResourceDef, rows: { line: number; input: Row }[], onProgress?: (done: number, total: number) => void) {
  const { create } = bodySchemas(def.fields);
  const refs = refLookup(db, user, tenant);
  // Every id the file names, looked up in a few queries rather than one per distinct id.
  for (const [name, target] of Object.entries(refTargets)) {
    if (name in def.fields) await refs.preload(target, rows.flatMap(({ input }) => (typeof input[name] === 'string' ? [input[name] as string] : [])));
  }
  const prepared: Row[] = [];
  const errors: RowError[] = [];
  for (const [i, { line, input }] of rows.entries()) {
    const parsed = v.safeParse(create, input);
    if (!parsed.success) {
      errors.push(...parsed.issues.map((issue) => ({ line, path: issuePath(issue), message: issue.message })));
    } else {
      const { row, errors: rowErrors } = await prepareRow(def, user, refs, parsed.output as Row);
      errors.push(...rowErrors.map((e: FieldError) => ({ line, ...e })));
      if (!rowErrors.length) {
        try {
          await assertMayWrite(db, user, def, row);
          prepared.push(row);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          errors.push({ line, path: row.personId && row.personId !== user.id ? 'personId' : 'orgUnitId', message: e.detail?.zh ?? '无权登记该记录' });
        }
      }
    }
    if (onProgress && ((i + 1) % 1000 === 0 || i + 1 === rows.length)) onProgress(i + 1, rows.length);
  }
  return { prepared, errors };
}

/** The statements that store validated rows, an audit entry per record and one for the import. */
export function importStatements(ctx: AuditContext, user: AuthUser, def: ResourceDef, prepared: Row[]): { items: BatchItem<'sqlite'>[]; ids: string[] } {
  const now = ctx.now.toISOString();
  const importId = newId();
  const records = prepared.map((row) => {
    const r: Row = { ...storedRow(def, row), id: newId(), createdBy: user.id, createdAt: now, updatedAt: now, deletedAt: null };
    if (def.fields.submittedAt && !r.submittedAt) r.submittedAt = now;
    return r;
  });
  const changes = JSON.stringify({ import: importId });
  const audits = records.map((r) => ({ id: newId(), at: now, actorId: ctx.actorId, action: 'create', resource: def.path, recordId: String(r.id), requestId: ctx.requestId, changes }));
  const items: BatchItem<'sqlite'>[] = [
    ...insertJsonRows(ctx.db, def.table, records),
    ...insertJsonRows(ctx.db, auditLogTable, audits),
    auditInsert(ctx, 'import', def.path, importId, { count: records.length }),
  ];
  return { items, ids: records.map((r) => String(r.id)) };
}



/** Row errors as the API's field errors: rows.<line>.<field>. */
export const rowFieldErrors = (errors: RowError[], max = 1000): FieldError[] =>
  errors.slice(0, max).map((e) => ({ path: ['rows', e.line, e.path].filter((x) => x !== '').join('.'), message: e.message }));
