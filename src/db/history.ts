/**
 * Effective-dated history of people's unit and duty and of units' parents
 * (counting convention 9). Writes that move a person or a unit return the
 * statements that record the change, to run in the same batch as the change
 * itself; nothing here overwrites the past.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { orgUnitParents, orgUnits, people, personAssignments } from '../../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { addDays } from '../lib/time.ts';
import type { Db } from './client.ts';

type Assignment = typeof personAssignments.$inferSelect;
type Duty = Assignment['duty'];

/** The assignment a new person starts with: `from` null means "since before records began". */
export const assignmentOnCreate = (db: Db, p: { id: string; orgUnitId: string | null; duty: Duty }, from: string | null, at: string) =>
  db.insert(personAssignments).values({ personId: p.id, orgUnitId: p.orgUnitId, duty: p.duty, fromDate: from, toDate: null, createdAt: at });

/**
 * Moving a person (another unit or duty) from day `from` on: the open assignment ends the day
 * before and a new one begins, or, when the open one began that same day, it is corrected in place.
 * A change dated before the open assignment began is refused (it would rewrite history that a
 * later change already recorded).
 */
export async function assignmentChange(
  db: Db,
  person: { id: string; orgUnitId: string | null; duty: Duty },
  next: { orgUnitId: string | null; duty: Duty },
  from: string,
  at: string,
): Promise<BatchItem<'sqlite'>[]> {
  const [open] = await db
    .select()
    .from(personAssignments)
    .where(and(eq(personAssignments.personId, person.id), isNull(personAssignments.toDate)))
    .orderBy(desc(personAssignments.id))
    .limit(1);
  if (open?.fromDate && from < open.fromDate) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'effectiveFrom', message: `生效日期不能早于现任职务的开始日期（${open.fromDate}）` }] });
  }
  if (open && open.fromDate === from) {
    return [db.update(personAssignments).set({ orgUnitId: next.orgUnitId, duty: next.duty }).where(eq(personAssignments.id, open.id))];
  }
  const items: BatchItem<'sqlite'>[] = open
    ? [db.update(personAssignments).set({ toDate: addDays(from, -1) }).where(and(eq(personAssignments.id, open.id), isNull(personAssignments.toDate)))]
    : // A person with no history yet (entered before history was kept): her current assignment becomes her past.
      [db.insert(personAssignments).values({ personId: person.id, orgUnitId: person.orgUnitId, duty: person.duty, fromDate: null, toDate: addDays(from, -1), createdAt: at })];
  items.push(db.insert(personAssignments).values({ personId: person.id, orgUnitId: next.orgUnitId, duty: next.duty, fromDate: from, toDate: null, createdAt: at }));
  return items;
}

/** A person removed on day `on`: her assignment ends that day; her past results stay. Runs after the removal, in its batch, and only if it happened. */
export const assignmentClose = (db: Db, personId: string, on: string) =>
  db
    .update(personAssignments)
    .set({ toDate: on })
    .where(and(eq(personAssignments.personId, personId), isNull(personAssignments.toDate), sql`exists (select 1 from ${people} where ${people.id} = ${personId} and ${people.deletedAt} is not null)`));

/** A unit moved under another parent from day `from` on (same shape as a person's move). */
export async function parentChange(db: Db, unit: { id: string; parentId: string | null }, parentId: string | null, from: string): Promise<BatchItem<'sqlite'>[]> {
  const [open] = await db
    .select()
    .from(orgUnitParents)
    .where(and(eq(orgUnitParents.orgUnitId, unit.id), isNull(orgUnitParents.toDate)))
    .orderBy(desc(orgUnitParents.id))
    .limit(1);
  if (open?.fromDate && from < open.fromDate) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'effectiveFrom', message: `生效日期不能早于现隶属关系的开始日期（${open.fromDate}）` }] });
  }
  if (open && open.fromDate === from) return [db.update(orgUnitParents).set({ parentId }).where(eq(orgUnitParents.id, open.id))];
  const items: BatchItem<'sqlite'>[] = open
    ? [db.update(orgUnitParents).set({ toDate: addDays(from, -1) }).where(eq(orgUnitParents.id, open.id))]
    : [db.insert(orgUnitParents).values({ orgUnitId: unit.id, parentId: unit.parentId, fromDate: null, toDate: addDays(from, -1) })];
  items.push(db.insert(orgUnitParents).values({ orgUnitId: unit.id, parentId, fromDate: from, toDate: null }));
  return items;
}

export const parentOnCreate = (db: Db, unit: { id: string; parentId: string | null }, from: string | null) =>
  db.insert(orgUnitParents).values({ orgUnitId: unit.id, parentId: unit.parentId, fromDate: from, toDate: null });

/** A unit removed on day `on` (after its removal, in the same batch, and only if it happened). */
export const parentClose = (db: Db, unitId: string, on: string) =>
  db
    .update(orgUnitParents)
    .set({ toDate: on })
    .where(and(eq(orgUnitParents.orgUnitId, unitId), isNull(orgUnitParents.toDate), sql`exists (select 1 from ${orgUnits} where ${orgUnits.id} = ${unitId} and ${orgUnits.deletedAt} is not null)`));

/** A person's history, oldest first, for the API. */
export const assignmentsOf = (db: Db, personId: string) =>
  db.select().from(personAssignments).where(eq(personAssignments.personId, personId)).orderBy(personAssignments.fromDate, personAssignments.id);
