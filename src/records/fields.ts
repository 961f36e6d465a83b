/**
 * Field specs for the record resources: one description per field gives the
 * request schema (valibot), the Chinese CSV header, how a CSV cell is read,
 * and whether the value is sensitive personal information.
 */
import * as v from 'valibot';
import { msg } from '../lib/valibot-zh.ts';
import { CalendarDate, Instant } from '../lib/dates.ts';

export type FieldKind = 'text' | 'date' | 'instant' | 'int' | 'bool' | 'enum' | 'categories' | 'ref';

export interface FieldSpec {
  kind: FieldKind;
  /** Chinese label: the CSV header and what emails and pages call it. */
  label: string;
  required?: boolean;
  /** Personal details of petitioners and children: shown only to those who need them, never logged. */
  sensitive?: boolean;
  /** A client may not set it (derived on the server). */
  readOnly?: boolean;
  /** May be sent as null (cleared). Not for columns that always hold a value (flags, category lists, defaults). */
  nullable?: boolean;
  values?: Record<string, string>;
  max?: number;
  /** The column's default when a record is created without it. */
  default?: string | number | boolean;
  /** The column always holds a value although a client may omit it (the server derives it, e.g. an event's end date). */
  alwaysStored?: boolean;
  schema: v.GenericSchema;
  /** How a form shows a text field (default: text). */
  input?: 'email' | 'password' | 'tel';
}

/** Text may hold line breaks and tabs but no other control characters. */
export const noControlChars = v.regex(/^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/, msg('包含不允许的控制字符', 'contains control characters'));
const RefId = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/));

export const f = {
  text: (label: string, opts: { required?: boolean; max?: number; sensitive?: boolean } = {}): FieldSpec => ({
    kind: 'text',
    label,
    ...opts,
    schema: opts.required
      ? v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(opts.max ?? 2000), noControlChars)
      : v.pipe(v.string(), v.trim(), v.maxLength(opts.max ?? 2000), noControlChars),
  }),
  date: (label: string, required = false): FieldSpec => ({ kind: 'date', label, required, schema: CalendarDate }),
  instant: (label: string, required = false): FieldSpec => ({ kind: 'instant', label, required, schema: Instant }),
  int: (label: string, opts: { required?: boolean; min?: number; max?: number } = {}): FieldSpec => ({
    kind: 'int',
    label,
    required: opts.required,
    schema: v.pipe(v.number(), v.integer(), v.minValue(opts.min ?? 0), v.maxValue(opts.max ?? 10_000_000)),
  }),
  bool: (label: string): FieldSpec => ({ kind: 'bool', label, nullable: false, default: false, schema: v.boolean() }),
  enum: (label: string, values: Record<string, string>, required = false): FieldSpec => ({
    kind: 'enum',
    label,
    values,
    required,
    schema: v.picklist(Object.keys(values) as [string, ...string[]]),
  }),
  categories: (label: string, values: Record<string, string>): FieldSpec => ({
    kind: 'categories',
    label,
    values,
    nullable: false,
    default: '[]',
    schema: v.pipe(v.array(v.picklist(Object.keys(values) as [string, ...string[]])), v.maxLength(Object.keys(values).length)),
  }),
  ref: (label: string, required = false): FieldSpec => ({ kind: 'ref', label, required, schema: RefId }),
};

/** A field's schema with its Chinese label (and its values' labels) as the OpenAPI description. */
export function described(spec: FieldSpec, nullable = false): v.GenericSchema {
  const values = spec.values ? `：${Object.entries(spec.values).map(([k, l]) => `${k} ${l}`).join('、')}` : '';
  return v.pipe(nullable ? v.nullable(spec.schema) : spec.schema, v.description(`${spec.label}${values}${nullable ? '（null 表示清空）' : ''}`));
}

/** Body schemas for create (required fields required) and update (everything optional, null clears). */
export function bodySchemas(fields: Record<string, FieldSpec>) {
  const writable = Object.entries(fields).filter(([, s]) => !s.readOnly);
  const orNull = (s: FieldSpec) => described(s, !(s.required || s.nullable === false));
  const create = v.strictObject(Object.fromEntries(writable.map(([k, s]) => [k, s.required ? described(s) : v.optional(orNull(s))])) as Record<string, v.GenericSchema>);
  const update = v.strictObject(Object.fromEntries(writable.map(([k, s]) => [k, v.optional(orNull(s))])) as Record<string, v.GenericSchema>);
  return { create, update };
}

/** Reads one CSV cell into the JSON value the body schema expects ('' is absent). Unknown text passes through for the schema to reject. */
export function fromCell(spec: FieldSpec, cell: string): unknown {
  const s = cell.trim();
  if (s === '') return undefined;
  const byLabel = (x: string) => (spec.values ? (Object.entries(spec.values).find(([, l]) => l === x)?.[0] ?? x) : x);
  switch (spec.kind) {
    case 'int':
      return /^-?\d+$/.test(s) ? Number(s) : s;
    case 'bool':
      return ['是', 'true', '1', 'yes', 'y'].includes(s.toLowerCase()) ? true : ['否', 'false', '0', 'no', 'n'].includes(s.toLowerCase()) ? false : s;
    case 'enum':
      return byLabel(s);
    case 'categories':
      return s.split(/[、,;；|，]/).map((x) => byLabel(x.trim())).filter(Boolean);
    default:
      return s;
  }
}

/** Writes one value for a CSV cell, in Chinese where there is a label. */
export function toCell(spec: FieldSpec, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (spec.kind === 'bool') return value ? '是' : '否';
  if (spec.kind === 'enum') return spec.values?.[String(value)] ?? String(value);
  if (spec.kind === 'categories') return (value as string[]).map((x) => spec.values?.[x] ?? x).join('、');
  return String(value);
}
