import { csvFormatRow } from 'd3-dsv';
import type { Context } from 'hono';
import type { ResourceDef } from './resources.ts';
import { toCell } from './fields.ts';
import { localTimestamp } from '../lib/time.ts';

/** UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly. */
export const BOM = '\uFEFF';

/** A cell a spreadsheet would run as a formula: starting with = + - @, tab or CR (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Every export goes through here: RFC 4180 (d3-dsv quotes what needs quoting), CRLF line ends as
 * Excel writes them. Cells that would run as a formula get a leading apostrophe, so
 * `=HYPERLINK(…)` shows as text.
 */
export function csvBody(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => csvFormatRow(cells.map((cell) => (FORMULA_START.test(cell) ? `'${cell}` : cell)));
  return BOM + [head, ...rows].map(line).join('\r\n');
}

/** A CSV download named in Chinese (RFC 5987) with an ASCII fallback. */
export function csvResponse(c: Context, asciiName: string, label: string, body: string, extra: Record<string, string> = {}) {
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=UTF-8',
    'content-disposition': `attachment; filename="${asciiName}.csv"; filename*=UTF-8''${encodeURIComponent(label)}.csv`,
    ...extra,
  });
}

/**
 * A record list as CSV: Chinese headers (or field names with headers=en),
 * labels for enumerated values, and times as the tenant's wall clock
 * (`2012-04-20 23:59:00`, Beijing time), as a person reads them in Excel.
 */
export function toCsv(def: ResourceDef, views: Record<string, unknown>[], headers: 'zh' | 'en', timeZone: string): string {
  const names = Object.keys(def.fields);
  const head =
    headers === 'en'
      ? ['id', ...names, 'createdBy', 'createdAt', 'updatedAt']
      : ['记录ID', ...names.map((n) => (def.fields[n].kind === 'instant' ? `${def.fields[n].label}（北京时间）` : def.fields[n].label)), '登记人ID', '创建时间（北京时间）', '更新时间（北京时间）'];
  const local = (v: unknown) => (typeof v === 'string' && v ? localTimestamp(new Date(v), timeZone) : '');
  const rows = views.map((r) => [
    String(r.id),
    ...names.map((n) => (def.fields[n].kind === 'instant' ? local(r[n]) : toCell(def.fields[n], r[n]))),
    String(r.createdBy ?? ''),
    local(r.createdAt),
    local(r.updatedAt),
  ]);
  return csvBody(head, rows);
}
