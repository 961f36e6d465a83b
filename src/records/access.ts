/**
 * Who may read and write which records. Reads: admins everything; supervisors
 * their org subtree (records of its units and of its people) and their own;
 * members their own (records about them or that they created).
 */
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AuthUser } from '../middleware/auth.ts';
import { inSubtree, isWithin } from '../db/org-tree.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';
import type { ResourceDef } from './resources.ts';

type Cols = { personId: SQLiteColumn; orgUnitId: SQLiteColumn; createdBy: SQLiteColumn };

export function readScope(user: AuthUser, t: Cols): SQL | undefined {
  if (user.access === 'admin') return undefined;
  const own = or(eq(t.personId, user.id), eq(t.createdBy, user.id))!;
  if (user.access === 'supervisor' && user.orgUnitId) {
    return or(own, inSubtree(t.orgUnitId, user.orgUnitId), sql`${t.personId} in (select p.id from people p where ${inSubtree(sql`p.org_unit_id`, user.orgUnitId)})`);
  }
  return own;
}

/** Sensitive fields go to admins and to the person the record is about or who wrote it. */
export const seesSensitive = (user: AuthUser, row: { personId?: unknown; createdBy?: unknown }) =>
  user.access === 'admin' || row.personId === user.id || row.createdBy === user.id;

/**
 * Checks that the caller may store `row` (as it will be after the write) and,
 * for an update or delete, may change `existing`. Throws 403.
 */
export async function assertMayWrite(db: Db, user: AuthUser, def: ResourceDef, row: Record<string, unknown>, existing?: Record<string, unknown>) {
  if (user.access === 'admin') return;
  if (def.supervisorsOnly && user.access !== 'supervisor') throw new AppError('FORBIDDEN');
  const inMySubtree = async (unit: unknown) => typeof unit === 'string' && !!user.orgUnitId && (await isWithin(db, user.orgUnitId, unit));
  if (existing) {
    const mine = existing.personId === user.id || existing.createdBy === user.id;
    if (!mine && !(user.access === 'supervisor' && (await inMySubtree(existing.orgUnitId)))) throw new AppError('FORBIDDEN');
  }
  if (row.personId && row.personId !== user.id) throw new AppError('FORBIDDEN', { detail: { zh: '只能为本人登记记录', en: 'You may only record your own work' } });
  // A record about the caller may name any unit (the place visited); a unit's record must be in the caller's subtree.
  if ((def.supervisorsOnly || !row.personId) && !(await inMySubtree(row.orgUnitId))) {
    throw new AppError('FORBIDDEN', { detail: { zh: '只能为本单位及下级单位登记', en: 'Only for your own unit and the units below it' } });
  }
}
