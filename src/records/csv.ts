import Papa from 'papaparse';
import type { Context } from 'hono';
import type { ResourceDef } from './resources.ts';
import { toCell } from './fields.ts';

/** UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly. */
export const BOM = '\uFEFF';

export function csvBody(head: string[], rows: string[][]): string {
  return BOM + Papa.unparse({ fields: head, data: rows }, { newline: '\r\n' });
}

/** A CSV download named in Chinese (RFC 5987) with an ASCII fallback. */
export function csvResponse(c: Context, asciiName: string, label: string, body: string, extra: Record<string, string> = {}) {
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=UTF-8',
    'content-disposition': `attachment; filename="${asciiName}.csv"; filename*=UTF-8''${encodeURIComponent(label)}.csv`,
    ...extra,
  });
}

/** A record list as CSV: Chinese headers (or field names with headers=en), labels for enumerated values. */
export function toCsv(def: ResourceDef, views: Record<string, unknown>[], headers: 'zh' | 'en'): string {
  const names = Object.keys(def.fields);
  const head = headers === 'en' ? ['id', ...names, 'createdBy', 'createdAt', 'updatedAt'] : ['记录ID', ...names.map((n) => def.fields[n].label), '登记人ID', '创建时间', '更新时间'];
  const rows = views.map((r) => [String(r.id), ...names.map((n) => toCell(def.fields[n], r[n])), String(r.createdBy ?? ''), String(r.createdAt), String(r.updatedAt)]);
  return csvBody(head, rows);
}
