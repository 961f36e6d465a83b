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

type Duty = (typeof personAssignments.$inferSelect)['duty'];

/** The assignment a new person starts with: `from` null means "since before records began". */
export const assignmentOnCreate = (db: Db, p: { id: string; orgUnitId: string | null; duty: Duty }, from: string | null, at: string) =>
  db.insert(personAssignments).values({ personId: p.id, orgUnitId: p.orgUnitId, duty: p.duty, fromDate: from, toDate: null, createdAt: at });

/** One effective-dated table as a change to it needs it: its open row and the statements that change it. */
interface Dated<V> {
  /** What the open row is, in a person's words (for the error). */
  what: string;
  open(): Promise<{ id: number; fromDate: string | null } | undefined>;
  correct(id: number, next: V): BatchItem<'sqlite'>;
  end(id: number, to: string): BatchItem<'sqlite'>;
  insert(value: V, from: string | null, to: string | null): BatchItem<'sqlite'>;
}

/**
 * A change from day `from` on: the open row ends the day before and a new one begins, or, when the
 * open one began that same day, it is corrected in place. Without any row yet (entered before history
 * was kept), the current value becomes the past. A change dated before the open row began is refused:
 * it would rewrite history that a later change already recorded.
 */
async function datedChange<V>(t: Dated<V>, current: V, next: V, from: string): Promise<BatchItem<'sqlite'>[]> {
  const open = await t.open();
  if (open?.fromDate && from < open.fromDate) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'effectiveFrom', message: `生效日期不能早于${t.what}的开始日期（${open.fromDate}）` }] });
  }
  if (open && open.fromDate === from) return [t.correct(open.id, next)];
  return [open ? t.end(open.id, addDays(from, -1)) : t.insert(current, null, addDays(from, -1)), t.insert(next, from, null)];
}

type Post = { orgUnitId: string | null; duty: Duty };

/** Moving a person to another unit or duty from day `from` on. */
export function assignmentChange(db: Db, person: Post & { id: string }, next: Post, from: string, at: string): Promise<BatchItem<'sqlite'>[]> {
  const a = personAssignments;
  return datedChange<Post>(
    {
      what: '现任职务',
      open: async () => (await db.select().from(a).where(and(eq(a.personId, person.id), isNull(a.toDate))).orderBy(desc(a.id)).limit(1))[0],
      correct: (id, v) => db.update(a).set({ orgUnitId: v.orgUnitId, duty: v.duty }).where(eq(a.id, id)),
      end: (id, to) => db.update(a).set({ toDate: to }).where(and(eq(a.id, id), isNull(a.toDate))),
      insert: (v, fromDate, toDate) => db.insert(a).values({ personId: person.id, orgUnitId: v.orgUnitId, duty: v.duty, fromDate, toDate, createdAt: at }),
    },
    { orgUnitId: person.orgUnitId, duty: person.duty },
    next,
    from,
  );
}

/** A person removed on day `on`: her assignment ends that day; her past results stay. Runs after the removal, in its batch, and only if it happened. */
export const assignmentClose = (db: Db, personId: string, on: string) =>
  db
    .update(personAssignments)
    .set({ toDate: on })
    .where(and(eq(personAssignments.personId, personId), isNull(personAssignments.toDate), sql`exists (select 1 from ${people} where ${people.id} = ${personId} and ${people.deletedAt} is not null)`));

/** A unit moved under another parent from day `from` on. */
export function parentChange(db: Db, unit: { id: string; parentId: string | null }, parentId: string | null, from: string): Promise<BatchItem<'sqlite'>[]> {
  const p = orgUnitParents;
  return datedChange<string | null>(
    {
      what: '现隶属关系',
      open: async () => (await db.select().from(p).where(and(eq(p.orgUnitId, unit.id), isNull(p.toDate))).orderBy(desc(p.id)).limit(1))[0],
      correct: (id, v) => db.update(p).set({ parentId: v }).where(eq(p.id, id)),
      end: (id, to) => db.update(p).set({ toDate: to }).where(and(eq(p.id, id), isNull(p.toDate))),
      insert: (v, fromDate, toDate) => db.insert(p).values({ orgUnitId: unit.id, parentId: v, fromDate, toDate }),
    },
    unit.parentId,
    parentId,
    from,
  );
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
