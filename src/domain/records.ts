/**
 * The record kinds of DOMAIN.md's glossary, as the rule engine sees them:
 * which table, which date puts a record in a period, how a counted thing is
 * identified, and which fields a rule may filter, sum or cover. The fields,
 * their labels and values, the kind's name, table and date come from its one
 * description in src/records/kinds.ts (through the API resource and its
 * drizzle table); only derived fields (a trip's days, a report's
 * completeness) and how a kind is counted are written here. Columns come only from these definitions,
 * never from a config string.
 */
import { orgLevels, orgTypes } from './glossary.ts';
import { getTableName } from 'drizzle-orm';
import { resources } from '../records/resources.ts';

export type FieldType = 'text' | 'int' | 'bool' | 'date' | 'instant' | 'enum' | 'categories';

export interface FieldDef {
  /** SQL over the record alias `r`: a column or a derived expression. */
  sql: string;
  type: FieldType;
  values?: Record<string, string>;
  label: string;
}

export interface KindDef {
  label: string;
  table: string;
  /** The field that puts a record in a period; null: the record is counted in every period (org units). */
  dateField: string | null;
  /** Start and end fields, for kinds that span days (overlap with a period; `daysInPeriod`). */
  range?: { start: string; end: string };
  /** A short human label for one record (per-case results). */
  labelSql: string;
  /**
   * What one counted thing is, as SQL over `r` ("N户" counts households, not visits): counts are
   * distinct over it unless a rule says `distinct: false`. Absent: each record is one thing.
   */
  identity?: string;
  /**
   * Things that last (a pairing): start and end fields. With matchPeriodBy `cumulative` such a
   * record counts in a period only if it started by the period's end and had not ended before
   * its start (an open end lasts).
   */
  ongoing?: { start: string; end: string };
  /**
   * The kind's date is itself the moment it was sent or done (a submission's submittedAt, a
   * petition's closedOn), so it decides on-time alone. For every other kind a record counts as on
   * time only if it was also entered (createdAt) by the due date: backdating makes late, not met.
   */
  ownTime?: boolean;
  fields: Record<string, FieldDef>;
}

/**
 * A kind's fields as rules see them, read from the API resource that describes the kind (one label,
 * one set of values, one column per field), plus the derived fields only rules use. Sensitive
 * personal fields (names, addresses, phone numbers) are not offered to rules.
 */
function fieldsOf(kind: string, derived: Record<string, FieldDef> = {}): Record<string, FieldDef> {
  const def = resourceOf(kind);
  const out: Record<string, FieldDef> = {};
  for (const [name, spec] of Object.entries(def.fields)) {
    if (spec.sensitive) continue;
    const column = (def.table as unknown as Record<string, { name: string }>)[name].name;
    out[name] = { sql: `r.${column}`, type: spec.kind === 'ref' ? 'text' : spec.kind, label: spec.label, ...(spec.values && { values: spec.values }) };
  }
  return { ...out, ...derived };
}

function resourceOf(kind: string) {
  const def = resources.find((r) => r.kind === kind);
  if (!def) throw new Error(`no resource for record kind ${kind}`);
  return def;
}

/** A kind's name, table and the date that puts a record in a period, as src/records/kinds.ts describes it. */
function described(kind: string) {
  const def = resourceOf(kind);
  return { label: def.label, table: getTableName(def.table), dateField: def.dateField ?? null };
}

const nonEmpty = (col: string) => `(coalesce(trim(${col}), '') <> '')`;
const spanDays: FieldDef = { sql: '(julianday(r.end_date) - julianday(r.start_date) + 1)', type: 'int', label: '天数' };

export const recordKinds = {
  field_trip: {
    ...described('field_trip'),
    range: { start: 'startDate', end: 'endDate' },
    labelSql: "r.start_date || '至' || r.end_date",
    fields: fieldsOf('field_trip', {
      days: spanDays,
      /** Another person's trip went to the same place in the same calendar week (H19: 避免同一区域重复调研走访). */
      sameWeekByOther: {
        sql: "exists (select 1 from field_trips o where o.org_unit_id = r.org_unit_id and o.start_date between date(r.start_date, '-6 days') and date(r.start_date, '+6 days') and o.deleted_at is null and o.person_id <> r.person_id and o.id <> r.id and strftime('%Y-%W', o.start_date) = strftime('%Y-%W', r.start_date))",
        type: 'bool',
        label: '同一周内他人也到过同一地点',
      },
    }),
  },
  household_visit: {
    ...described('household_visit'),
    labelSql: 'r.visited_on',
    identity: 'coalesce(r.household_id, r.id)',
    fields: fieldsOf('household_visit'),
  },
  diary_entry: {
    ...described('diary_entry'),
    labelSql: 'r.entry_date',
    fields: fieldsOf('diary_entry'),
  },
  research_report: {
    ...described('research_report'),
    labelSql: 'r.title',
    fields: fieldsOf('research_report', {
      complete: { sql: `(${nonEmpty('r.situation')} and ${nonEmpty('r.analysis')} and ${nonEmpty('r.recommendations')})`, type: 'bool', label: '有情况、有分析、有建议' },
    }),
  },
  contact_point: {
    ...described('contact_point'),
    labelSql: 'r.name',
    fields: fieldsOf('contact_point'),
  },
  pairing: {
    ...described('pairing'),
    labelSql: 'r.started_on',
    identity: "coalesce(r.beneficiary_type || ':' || nullif(trim(r.beneficiary_name), ''), r.id)",
    ongoing: { start: 'startedOn', end: 'endedOn' },
    fields: fieldsOf('pairing'),
  },
  service: {
    ...described('service'),
    labelSql: 'r.served_on',
    fields: fieldsOf('service'),
  },
  event: {
    ...described('event'),
    range: { start: 'startDate', end: 'endDate' },
    labelSql: 'r.title',
    fields: fieldsOf('event', { days: spanDays }),
  },
  petition: {
    ...described('petition'),
    labelSql: "'信访案件 ' || r.received_on",
    ownTime: true,
    fields: fieldsOf('petition'),
  },
  submission: {
    ...described('submission'),
    labelSql: 'r.title',
    ownTime: true,
    fields: fieldsOf('submission'),
  },
  needs_ledger: {
    ...described('needs_ledger'),
    labelSql: 'r.recorded_on',
    fields: fieldsOf('needs_ledger'),
  },
  inspection: {
    ...described('inspection'),
    labelSql: 'r.inspected_on',
    fields: fieldsOf('inspection'),
  },
  /** The organisation tree itself, for rules about coverage of organisations (L4). No date: its current state. */
  org_unit: {
    label: '组织',
    table: 'org_units',
    dateField: null,
    labelSql: 'r.name',
    ownTime: true,
    fields: {
      orgUnitId: { sql: 'r.id', type: 'text', label: '组织' },
      level: { sql: 'r.level', type: 'enum', values: orgLevels, label: '层级' },
      type: { sql: 'r.type', type: 'enum', values: orgTypes, label: '类型' },
      establishedOn: { sql: 'r.established_on', type: 'date', label: '成立日期' },
    },
  },
} as const satisfies Record<string, KindDef>;

export type RecordKind = keyof typeof recordKinds;
export const kindDef = (k: RecordKind): KindDef => recordKinds[k];
