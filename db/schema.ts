/**
 * The tenant database schema: one libSQL database per federation, so no
 * table carries a tenant column. Instants are stored as UTC ISO-8601 text
 * (`2026-11-23T00:00:00.000Z`); calendar dates as `YYYY-MM-DD` text in the
 * tenant's time zone.
 */
import { sql } from 'drizzle-orm';
import { accessRoles, dutyRoles, keys, orgLevels, orgTypes } from '../src/domain/glossary.ts';
import { kindOfTable } from '../src/records/kinds.ts';
import type { FieldSpec } from '../src/records/fields.ts';
import {
  sqliteTable, text, integer, index, uniqueIndex, primaryKey,
  type AnySQLiteColumn, type SQLiteColumnBuilderBase, type SQLiteTableExtraConfigValue,
} from 'drizzle-orm/sqlite-core';

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  deletedAt: text('deleted_at'),
};

export const orgUnits = sqliteTable(
  'org_units',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    level: text('level', { enum: keys(orgLevels) }).notNull(),
    type: text('type', { enum: keys(orgTypes) }).notNull(),
    parentId: text('parent_id').references((): AnySQLiteColumn => orgUnits.id),
    sortOrder: integer('sort_order').notNull().default(0),
    /** The day the unit was set up (tenant-local), if known: rules about new organisations count by it (L20). */
    establishedOn: text('established_on'),
    ...timestamps,
  },
  (t) => [index('org_units_parent_idx').on(t.parentId)],
);

/**
 * Which unit was a unit's parent, from when to when (tenant-local days, both inclusive;
 * null: since before records began / still so). `org_units.parent_id` is the current one.
 */
export const orgUnitParents = sqliteTable(
  'org_unit_parents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgUnitId: text('org_unit_id').notNull().references(() => orgUnits.id),
    parentId: text('parent_id').references(() => orgUnits.id),
    fromDate: text('from_date'),
    toDate: text('to_date'),
  },
  (t) => [index('org_unit_parents_unit_idx').on(t.orgUnitId, t.fromDate)],
);

export const people = sqliteTable(
  'people',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Lower-cased; a person with an email and a password can log in. */
    email: text('email'),
    passwordHash: text('password_hash'),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** Raised whenever the login changes (password, reset, email removed): tokens carry it and an older one is refused. */
    sessionVersion: integer('session_version').notNull().default(0),
    access: text('access', { enum: keys(accessRoles) }).notNull().default('member'),
    duty: text('duty', { enum: keys(dutyRoles) }),
    orgUnitId: text('org_unit_id').references(() => orgUnits.id),
    phone: text('phone'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('people_email_uq').on(t.email).where(sql`${t.email} is not null and ${t.deletedAt} is null`),
    index('people_org_unit_idx').on(t.orgUnitId),
  ],
);

/**
 * Which duty a person held in which unit, from when to when (tenant-local days, both inclusive;
 * null from: since before records began; null to: still). Rules judge a past period on these rows,
 * so moving or removing a person never rewrites her past results. `people.org_unit_id` and
 * `people.duty` are the current assignment.
 */
export const personAssignments = sqliteTable(
  'person_assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: text('person_id').notNull().references(() => people.id),
    orgUnitId: text('org_unit_id').references(() => orgUnits.id),
    duty: text('duty', { enum: keys(dutyRoles) }),
    fromDate: text('from_date'),
    toDate: text('to_date'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('person_assignments_person_idx').on(t.personId, t.fromDate)],
);

/** One row per scheduled job run and tenant, so that a late run knows what it missed. */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: text('id').primaryKey(),
    job: text('job').notNull(),
    /** The cron slot this run stands for (UTC ISO); a second delivery of the same slot finds its row. */
    scheduledFor: text('scheduled_for').notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    detail: text('detail'),
  },
  (t) => [uniqueIndex('job_runs_slot_uq').on(t.job, t.scheduledFor)],
);

/* ------------------------------------------------------------------ *
 * Field records: what cadres log (DOMAIN.md glossary). Every record has
 * the person it belongs to (if any), the org unit it belongs to, who
 * created it, and soft-delete. Calendar dates are tenant-local
 * `YYYY-MM-DD`; `submitted_at` is a UTC instant.
 * ------------------------------------------------------------------ */
const recordColumns = {
  id: text('id').primaryKey(),
  personId: text('person_id').references(() => people.id),
  orgUnitId: text('org_unit_id').references(() => orgUnits.id),
  createdBy: text('created_by'),
  ...timestamps,
};
const recordIndexes = <T extends { personId: AnySQLiteColumn; orgUnitId: AnySQLiteColumn }>(name: string, t: T) => [
  index(`${name}_person_idx`).on(t.personId),
  index(`${name}_org_unit_idx`).on(t.orgUnitId),
];

/**
 * A record kind's table, built from its description in src/records/kinds.ts
 * (one description per kind: a new field is an edit there plus
 * `npm run db:generate`). A field `fooBar` is the column `foo_bar`; its kind
 * gives the SQL type, `required`/`nullable: false`/`alwaysStored` make it NOT
 * NULL, and `default` is the column default. Columns the description cannot
 * say (foreign keys) are passed in `columns`.
 */
function recordTable(
  name: string,
  columns: Record<string, SQLiteColumnBuilderBase>,
  indexes: (t: Record<string, AnySQLiteColumn>) => SQLiteTableExtraConfigValue[] = () => [],
) {
  const own = Object.entries(kindOfTable(name).fields)
    .filter(([field]) => !(field in recordColumns))
    .map(([field, spec]) => [field, columns[field] ?? columnOf(field, spec)] as const);
  return sqliteTable(name, { ...recordColumns, ...(Object.fromEntries(own) as Record<string, SQLiteColumnBuilderBase>) }, (t) => [
    ...recordIndexes(name, t),
    ...indexes(t as unknown as Record<string, AnySQLiteColumn>),
  ]);
}

function columnOf(field: string, spec: FieldSpec): SQLiteColumnBuilderBase {
  const column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const base =
    spec.kind === 'int' ? integer(column)
    : spec.kind === 'bool' ? integer(column, { mode: 'boolean' })
    : spec.kind === 'enum' && spec.values ? text(column, { enum: keys(spec.values) })
    : text(column);
  const notNull = spec.required || spec.nullable === false || spec.alwaysStored ? base.notNull() : base;
  return spec.default === undefined ? notNull : (notNull as { default(value: unknown): SQLiteColumnBuilderBase }).default(spec.default);
}

/** 住户 — households, with their 六必访 categories (a JSON array). */
export const households = recordTable('households', {});

/** 下基层 — a stay at the grassroots; its days count toward day quotas. */
export const fieldTrips = recordTable('field_trips', {}, (t) => [
  index('field_trips_dates_idx').on(t.startDate, t.endDate),
  // H19: other trips to the same place in the same week.
  index('field_trips_place_date_idx').on(t.orgUnitId, t.startDate),
]);

/** 入户走访 — one visit to one household; categories as the household had them at the visit. */
export const householdVisits = recordTable('household_visits', { householdId: text('household_id').references(() => households.id) }, (t) => [
  index('household_visits_date_idx').on(t.visitedOn),
]);

/** 妇情日记 — diary entries, optionally tied to a field trip. */
export const diaryEntries = recordTable('diary_entries', {}, (t) => [index('diary_entries_date_idx').on(t.entryDate)]);

/** 调研报告 — counts as a report only with situation, analysis and recommendations; what it was turned into and when. */
export const researchReports = recordTable('research_reports', {}, (t) => [index('research_reports_date_idx').on(t.submittedOn)]);

/** 联系点 / 服务点 — a village/community an org unit or a person takes on. */
export const contactPoints = recordTable('contact_points', {}, (t) => [index('contact_points_date_idx').on(t.establishedOn)]);

/** 结对帮扶 — a person paired with a beneficiary. */
export const pairings = recordTable('pairings', {}, (t) => [index('pairings_date_idx').on(t.startedOn)]);

/** 五送 / 五进家 — a service delivered, with the number of people served. */
export const services = recordTable('services', {}, (t) => [index('services_date_idx').on(t.servedOn)]);

/** 活动 — job fairs, trainings, work weeks… with participant counts. */
export const events = recordTable('events', {}, (t) => [index('events_date_idx').on(t.startDate)]);

/** 信访案件 — received → assigned → closed. Petitioner details are sensitive. */
export const petitions = recordTable('petitions', {}, (t) => [index('petitions_received_idx').on(t.receivedOn)]);

/** 上报材料 — what an org unit sends up: plans, progress reports, information, news… (`period` e.g. `2016-03/2016-04`, `2012-05`, `2014`). */
export const submissions = recordTable('submissions', {}, (t) => [
  index('submissions_at_idx').on(t.submittedAt),
  index('submissions_period_idx').on(t.period),
]);

/** 妇女需求台帐 */
export const needs = recordTable('needs', {}, (t) => [index('needs_date_idx').on(t.recordedOn)]);

/** 督查 — a supervision visit to a locality (org_unit_id is the place inspected). */
export const inspections = recordTable('inspections', {}, (t) => [index('inspections_date_idx').on(t.inspectedOn)]);

/**
 * Every write, and reads of petitions and of records about minors: who, when,
 * what, which request. Values of sensitive fields never enter `changes`.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: text('at').notNull(),
    actorId: text('actor_id'),
    action: text('action', { enum: ['create', 'update', 'delete', 'read', 'import'] }).notNull(),
    resource: text('resource').notNull(),
    recordId: text('record_id'),
    requestId: text('request_id'),
    /** JSON: { field: [before, after] }; sensitive values are written as "***". */
    changes: text('changes'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_record_idx').on(t.resource, t.recordId)],
);

/** A POST's result under its Idempotency-Key, written in the same transaction as the POST's effect. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    bodyHash: text('body_hash').notNull(),
    status: integer('status').notNull(),
    response: text('response').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);

/**
 * Emails the scheduled check decided to send. `key` (tenant, rule, subject,
 * period, kind, recipient) is unique, so however often the check runs each
 * email is queued once; delivery claims a row before sending it.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    kind: text('kind', { enum: ['reminder', 'overdue', 'escalation', 'digest'] }).notNull(),
    ruleId: text('rule_id'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    periodKey: text('period_key'),
    due: text('due'),
    recipientEmail: text('recipient_email').notNull(),
    recipientName: text('recipient_name'),
    recipientPersonId: text('recipient_person_id'),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    claimedAt: text('claimed_at'),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [uniqueIndex('outbox_key_uq').on(t.key), index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
);

/* ------------------------------------------------------------------ *
 * Materialised compliance (src/rules/materialise.ts): the results of every
 * rule × subject × period as of the end of `compliance_state.day`, for the
 * periods whose span overlaps a window around that day. Triggers on every
 * table a rule reads (migration 0009) note what a write touched in
 * `compliance_dirty`, in the write's own transaction; a read brings the
 * touched results up to date before it answers, so nothing stale is served.
 * ------------------------------------------------------------------ */
export const complianceResults = sqliteTable(
  'compliance_results',
  {
    ruleId: text('rule_id').notNull(),
    subjectType: text('subject_type', { enum: ['person', 'orgUnit', 'tenant', 'case'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    periodKey: text('period_key').notNull(),
    /** The rule's place in numeric order of ids (L2 before L10), for sorting in SQL. */
    ruleRank: integer('rule_rank').notNull(),
    periodStart: text('period_start').notNull(),
    /** The later of the period's last day and its due date: the period matters until then. */
    spanEnd: text('span_end').notNull(),
    due: text('due').notNull(),
    status: text('status').notNull(),
    /** The subject's current period for this rule (the heat map's and `period=current`'s). */
    isCurrent: integer('is_current', { mode: 'boolean' }).notNull(),
    orgUnitId: text('org_unit_id'),
    personId: text('person_id'),
    /** The result as the API shows it (JSON). */
    body: text('body').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.subjectType, t.subjectId, t.periodKey] }),
    index('compliance_results_due_idx').on(t.due, t.ruleRank),
    index('compliance_results_person_idx').on(t.personId, t.due),
    index('compliance_results_org_unit_idx').on(t.orgUnitId, t.due),
  ],
);

/** One row: which day and which config the materialised results are for, and the last change folded in. */
export const complianceState = sqliteTable('compliance_state', {
  id: integer('id').primaryKey(),
  day: text('day').notNull(),
  configHash: text('config_hash').notNull(),
  appliedSeq: integer('applied_seq').notNull(),
  refreshedAt: text('refreshed_at'),
});

/** What writes touched since the results were brought up to date (filled by triggers). */
export const complianceDirty = sqliteTable('compliance_dirty', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  tbl: text('tbl').notNull(),
  personId: text('person_id'),
  recordId: text('record_id'),
});
