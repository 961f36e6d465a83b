/**
 * The tenant database schema: one libSQL database per federation, so no
 * table carries a tenant column. Instants are stored as UTC ISO-8601 text
 * (`2026-11-23T00:00:00.000Z`); calendar dates as `YYYY-MM-DD` text in the
 * tenant's time zone.
 */
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

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
    level: text('level', { enum: ['city', 'district', 'street', 'community'] }).notNull(),
    type: text('type', { enum: ['federation', 'department', 'women_committee', 'dev_zone', 'parents_school', 'womens_home', 'leading_group'] }).notNull(),
    parentId: text('parent_id').references((): AnySQLiteColumn => orgUnits.id),
    sortOrder: integer('sort_order').notNull().default(0),
    ...timestamps,
  },
  (t) => [index('org_units_parent_idx').on(t.parentId)],
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
    access: text('access', { enum: ['admin', 'supervisor', 'member'] }).notNull().default('member'),
    duty: text('duty', { enum: ['leader', 'office_cadre', 'committee_member', 'grassroots_cadre'] }),
    orgUnitId: text('org_unit_id').references(() => orgUnits.id),
    phone: text('phone'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('people_email_uq').on(t.email).where(sql`${t.email} is not null and ${t.deletedAt} is null`),
    index('people_org_unit_idx').on(t.orgUnitId),
  ],
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
