/**
 * The tenant database schema: one libSQL database per federation, so no
 * table carries a tenant column. Instants are stored as UTC ISO-8601 text
 * (`2026-11-23T00:00:00.000Z`); calendar dates as `YYYY-MM-DD` text in the
 * tenant's time zone.
 */
import { sql } from 'drizzle-orm';
import {
  accessRoles, beneficiaryTypes, dutyRoles, eventTypes, keys, needStatuses, orgLevels, orgTypes, outletLevels,
  petitionChannels, petitionStatuses, reportConversions, reportTopics, serviceCategories, submissionTypes,
} from '../src/domain/glossary.ts';
import { sqliteTable, text, integer, index, uniqueIndex, primaryKey, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

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
    /** Consecutive failed logins; at 5 the account is locked for 15 minutes. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: text('locked_until'),
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

/** 住户 — households, with their 六必访 categories (a JSON array). */
export const households = sqliteTable(
  'households',
  {
    ...recordColumns,
    address: text('address').notNull(),
    headName: text('head_name'),
    categories: text('categories').notNull().default('[]'),
    hasMinor: integer('has_minor', { mode: 'boolean' }).notNull().default(false),
    notes: text('notes'),
  },
  (t) => recordIndexes('households', t),
);

/** 下基层 — a stay at the grassroots; its days count toward day quotas. */
export const fieldTrips = sqliteTable(
  'field_trips',
  {
    ...recordColumns,
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    purpose: text('purpose'),
    notes: text('notes'),
  },
  (t) => [
    ...recordIndexes('field_trips', t),
    index('field_trips_dates_idx').on(t.startDate, t.endDate),
    // H19: other trips to the same place in the same week.
    index('field_trips_place_date_idx').on(t.orgUnitId, t.startDate),
  ],
);

/** 入户走访 — one visit to one household; categories as the household had them at the visit. */
export const householdVisits = sqliteTable(
  'household_visits',
  {
    ...recordColumns,
    householdId: text('household_id').references(() => households.id),
    visitedOn: text('visited_on').notNull(),
    categories: text('categories').notNull().default('[]'),
    notes: text('notes'),
  },
  (t) => [...recordIndexes('household_visits', t), index('household_visits_date_idx').on(t.visitedOn)],
);

/** 妇情日记 */
export const diaryEntries = sqliteTable(
  'diary_entries',
  {
    ...recordColumns,
    entryDate: text('entry_date').notNull(),
    fieldTripId: text('field_trip_id'),
    content: text('content').notNull(),
  },
  (t) => [...recordIndexes('diary_entries', t), index('diary_entries_date_idx').on(t.entryDate)],
);

/** 调研报告 — counts as a report only with situation, analysis and recommendations. */
export const researchReports = sqliteTable(
  'research_reports',
  {
    ...recordColumns,
    title: text('title').notNull(),
    topic: text('topic', { enum: keys(reportTopics) }).notNull().default('general'),
    situation: text('situation'),
    analysis: text('analysis'),
    recommendations: text('recommendations'),
    submittedOn: text('submitted_on').notNull(),
    /** What the report was turned into (信息专报、人大议案、政协提案) and when. */
    convertedTo: text('converted_to', { enum: keys(reportConversions) }),
    convertedOn: text('converted_on'),
  },
  (t) => [...recordIndexes('research_reports', t), index('research_reports_date_idx').on(t.submittedOn)],
);

/** 联系点 / 服务点 — a village/community an org unit or a person takes on. */
export const contactPoints = sqliteTable(
  'contact_points',
  {
    ...recordColumns,
    name: text('name').notNull(),
    pointOrgUnitId: text('point_org_unit_id'),
    isWeak: integer('is_weak', { mode: 'boolean' }).notNull().default(false),
    establishedOn: text('established_on').notNull(),
    brandProject: text('brand_project'),
    problemSolved: text('problem_solved'),
    suggestion: text('suggestion'),
    innovation: text('innovation'),
    innovationOn: text('innovation_on'),
  },
  (t) => [...recordIndexes('contact_points', t), index('contact_points_date_idx').on(t.establishedOn)],
);

/** 结对帮扶 — a person paired with a beneficiary. */
export const pairings = sqliteTable(
  'pairings',
  {
    ...recordColumns,
    beneficiaryType: text('beneficiary_type', { enum: keys(beneficiaryTypes) }).notNull(),
    beneficiaryName: text('beneficiary_name'),
    startedOn: text('started_on').notNull(),
    endedOn: text('ended_on'),
    notes: text('notes'),
  },
  (t) => [...recordIndexes('pairings', t), index('pairings_date_idx').on(t.startedOn)],
);

/** 五送 / 五进家 — a service delivered, with the number of people served. */
export const services = sqliteTable(
  'services',
  {
    ...recordColumns,
    category: text('category', { enum: keys(serviceCategories) }).notNull(),
    subtype: text('subtype'),
    servedOn: text('served_on').notNull(),
    peopleServed: integer('people_served').notNull().default(0),
    notes: text('notes'),
  },
  (t) => [...recordIndexes('services', t), index('services_date_idx').on(t.servedOn)],
);

/** 活动 — job fairs, trainings, work weeks… with participant counts. */
export const events = sqliteTable(
  'events',
  {
    ...recordColumns,
    type: text('type', { enum: keys(eventTypes) }).notNull(),
    title: text('title').notNull(),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    participants: integer('participants').notNull().default(0),
    notes: text('notes'),
  },
  (t) => [...recordIndexes('events', t), index('events_date_idx').on(t.startDate)],
);

/** 信访案件 — received → assigned → closed. Petitioner details are sensitive. */
export const petitions = sqliteTable(
  'petitions',
  {
    ...recordColumns,
    channel: text('channel', { enum: keys(petitionChannels) }).notNull(),
    receivedOn: text('received_on').notNull(),
    superiorAssigned: integer('superior_assigned', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: keys(petitionStatuses) }).notNull().default('received'),
    assignedOn: text('assigned_on'),
    dueDate: text('due_date'),
    closedOn: text('closed_on'),
    reportedOn: text('reported_on'),
    /** The day the case was entered into the national petition system (全国妇联信访管理系统). */
    enteredSystemOn: text('entered_system_on'),
    outcome: text('outcome'),
    summary: text('summary'),
    petitionerName: text('petitioner_name'),
    petitionerPhone: text('petitioner_phone'),
    involvesMinor: integer('involves_minor', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [...recordIndexes('petitions', t), index('petitions_received_idx').on(t.receivedOn)],
);

/** 上报材料 — what an org unit sends up: plans, progress reports, information, news… */
export const submissions = sqliteTable(
  'submissions',
  {
    ...recordColumns,
    type: text('type', { enum: keys(submissionTypes) }).notNull(),
    /** The reporting period it covers, e.g. `2016-03/2016-04`, `2012-05`, `2014`. */
    period: text('period'),
    title: text('title').notNull(),
    outletLevel: text('outlet_level', { enum: keys(outletLevels) }),
    milestone: text('milestone'),
    recipientOrgUnitId: text('recipient_org_unit_id'),
    /** The person named responsible (明确专人负责), for plans. */
    responsible: text('responsible'),
    /** A figure the material reports (e.g. subscriptions placed, women registered) and the quota it is held to. */
    quantity: integer('quantity'),
    quota: integer('quota'),
    submittedAt: text('submitted_at').notNull(),
  },
  (t) => [...recordIndexes('submissions', t), index('submissions_at_idx').on(t.submittedAt), index('submissions_period_idx').on(t.period)],
);

/** 妇女需求台帐 */
export const needs = sqliteTable(
  'needs',
  {
    ...recordColumns,
    recordedOn: text('recorded_on').notNull(),
    category: text('category'),
    need: text('need').notNull(),
    action: text('action'),
    status: text('status', { enum: keys(needStatuses) }).notNull().default('open'),
    womanName: text('woman_name'),
    involvesMinor: integer('involves_minor', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [...recordIndexes('needs', t), index('needs_date_idx').on(t.recordedOn)],
);

/** 督查 — a supervision visit to a locality (org_unit_id is the place inspected). */
export const inspections = sqliteTable(
  'inspections',
  {
    ...recordColumns,
    inspectedOn: text('inspected_on').notNull(),
    inspectingOrgUnitId: text('inspecting_org_unit_id'),
    findings: text('findings'),
    /** Problems were found (督促整改): a rectification follow-up is then due. */
    foundProblems: integer('found_problems', { mode: 'boolean' }).notNull().default(false),
    rectifiedOn: text('rectified_on'),
  },
  (t) => [...recordIndexes('inspections', t), index('inspections_date_idx').on(t.inspectedOn)],
);

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
