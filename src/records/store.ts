/**
 * Turning request bodies into rows and rows into views, shared by the
 * resource routes, the import and the demo: defaults, derived values,
 * reference checks, redaction of sensitive fields.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { TenantConfig } from '../tenants/schema.ts';
import { tenantMilestones } from '../rules/schema.ts';
import * as s from '../../db/schema.ts';
import type { Db } from '../db/client.ts';
import type { AuthUser } from '../middleware/auth.ts';
import type { FieldError } from '../lib/errors.ts';
import { readScope, seesSensitive } from './access.ts';
import { refTargets, type ResourceDef } from './resources.ts';

type Row = Record<string, unknown>;

/** Stored form of a value (categories are JSON text in the database). */
const toStored = (def: ResourceDef, name: string, value: unknown) =>
  def.fields[name]?.kind === 'categories' && Array.isArray(value) ? JSON.stringify(value) : value;
const fromStored = (def: ResourceDef, name: string, value: unknown) =>
  def.fields[name]?.kind === 'categories' && typeof value === 'string' ? (JSON.parse(value) as string[]) : value;

export function storedRow(def: ResourceDef, row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toStored(def, k, v)]));
}

/** A database row as the API shows it to this caller. */
export function toView(def: ResourceDef, db: Row, user: AuthUser): Row {
  const sees = seesSensitive(user, db);
  const redacted: string[] = [];
  const out: Row = { id: db.id };
  for (const [name, spec] of Object.entries(def.fields)) {
    const value = fromStored(def, name, db[name] ?? null);
    if (spec.sensitive && !sees && value !== null) {
      out[name] = null;
      redacted.push(name);
    } else out[name] = value;
  }
  Object.assign(out, { createdBy: db.createdBy ?? null, createdAt: db.createdAt, updatedAt: db.updatedAt });
  if (redacted.length) out.redacted = redacted;
  return out;
}

/** Looks up referenced rows once per id (an import names the same unit many times). */
export function refLookup(db: Db, user: AuthUser, tenant?: Pick<TenantConfig, 'rules'>) {
  const cache = new Map<string, Promise<Row | undefined>>();
  const memo = (key: string, load: () => Promise<Row | undefined>) => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key)!;
  };
  return {
    /** The milestones this tenant's rules name (a milestone report must name one of them). */
    milestones: tenant ? tenantMilestones(tenant) : undefined,
    person: (id: string) => memo(`p:${id}`, () => db.query.people.findFirst({ columns: { id: true }, where: and(eq(s.people.id, id), isNull(s.people.deletedAt)) })),
    orgUnit: (id: string) => memo(`o:${id}`, () => db.query.orgUnits.findFirst({ columns: { id: true }, where: and(eq(s.orgUnits.id, id), isNull(s.orgUnits.deletedAt)) })),
    household: (id: string) =>
      memo(`h:${id}`, async () => (await db.select().from(s.households).where(and(eq(s.households.id, id), isNull(s.households.deletedAt), readScope(user, s.households))).limit(1))[0]),
    fieldTrip: (id: string) =>
      memo(`f:${id}`, async () => (await db.select().from(s.fieldTrips).where(and(eq(s.fieldTrips.id, id), isNull(s.fieldTrips.deletedAt), readScope(user, s.fieldTrips))).limit(1))[0]),
  };
}
export type RefLookup = ReturnType<typeof refLookup>;

/**
 * The row a create or update will store: defaults (a personal record is the
 * caller's), values derived from referenced rows (a visit takes its
 * household's unit and categories), the kind's own derivations, and every
 * reference checked to exist in this tenant and be visible to the caller.
 */
export async function prepareRow(def: ResourceDef, user: AuthUser, refs: RefLookup, input: Row, existing?: Row): Promise<{ row: Row; errors: FieldError[] }> {
  let row: Row = { ...(existing ?? {}), ...input };
  if (!existing && def.personal && !row.personId) row.personId = user.id;
  const errors: FieldError[] = [];
  for (const [name, target] of Object.entries(refTargets)) {
    const id = row[name];
    if (!(name in def.fields) || typeof id !== 'string' || (existing && !(name in input))) continue;
    const found = await refs[target](id);
    if (!found) errors.push({ path: name, message: `${def.fields[name].label}不存在` });
    else if (target === 'household' && (!existing || name in input)) {
      row.orgUnitId = found.orgUnitId;
      if (row.categories === undefined || row.categories === null) row.categories = JSON.parse(String(found.categories ?? '[]'));
    } else if (target === 'fieldTrip' && found.personId !== row.personId) errors.push({ path: name, message: '下基层记录不属于该人员' });
  }
  if (def.derive) row = { ...row, ...def.derive(row) };
  if (def.check) errors.push(...def.check(row, { milestones: refs.milestones }));
  return { row, errors };
}

export const newRecordId = () => ulid();
