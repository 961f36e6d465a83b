/**
 * The field-record resources of the API: each record kind of
 * src/records/kinds.ts with its drizzle table. Routes, import, export, audit
 * and the OpenAPI document are all generated from this list.
 */
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableName } from 'drizzle-orm';
import * as s from '../../db/schema.ts';
import { kinds, type KindDef } from './kinds.ts';

export interface ResourceDef extends Omit<KindDef, 'table'> {
  table: SQLiteTable & Record<string, SQLiteColumn>;
}

const tables = [s.households, s.fieldTrips, s.householdVisits, s.diaryEntries, s.researchReports, s.contactPoints, s.pairings, s.services, s.events, s.petitions, s.submissions, s.needs, s.inspections];

export const resources: ResourceDef[] = kinds.map((kind) => {
  const table = tables.find((t) => getTableName(t) === kind.table);
  if (!table) throw new Error(`no table ${kind.table} in db/schema.ts`);
  return { ...kind, table: table as unknown as ResourceDef['table'] };
});
export const resourceByPath = new Map(resources.map((d) => [d.path, d]));

/** Fields every record view carries besides its own. */
export const systemFields = ['id', 'createdBy', 'createdAt', 'updatedAt'] as const;

/** The ids in a body that point at other rows, and what they point at. */
export const refTargets: Record<string, 'person' | 'orgUnit' | 'household' | 'fieldTrip'> = {
  personId: 'person',
  orgUnitId: 'orgUnit',
  pointOrgUnitId: 'orgUnit',
  recipientOrgUnitId: 'orgUnit',
  inspectingOrgUnitId: 'orgUnit',
  householdId: 'household',
  fieldTripId: 'fieldTrip',
};
