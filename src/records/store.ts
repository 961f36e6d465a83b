/**
 * Turning request bodies into rows and rows into views, shared by the
 * resource routes, the import and the demo: defaults, derived values,
 * reference checks, redaction of sensitive fields.
 */
import { and, inArray, isNull } from 'drizzle-orm';
import type { TenantConfig } from '../tenants/schema.ts';
import { tenantMilestones } from '../rules/schema.ts';
import * as s from '../../db/schema.ts';
import type { Db } from '../db/client.ts';
import type { AuthUser } from '../middleware/auth.ts';
import type { FieldError } from '../lib/errors.ts';
import { readScope, seesSensitive } from './access.ts';
import { refTargets, type ResourceDef } from './resources.ts';

type Row = Record<string, unknown>;

/** Stored form of a value (categories are JSON text in the database; toView parses them back). */
const toStored = (def: ResourceDef, name: string, value: unknown) =>
  def.fields[name]?.kind === 'categories' && Array.isArray(value) ? JSON.stringify(value) : value;

export function storedRow(def: ResourceDef, row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toStored(def, k, v)]));
}

/** Each resource's fields as [name, spec, is categories], worked out once (every listed row is a view). */
const viewFields = new WeakMap<ResourceDef, Array<[string, ResourceDef['fields'][string], boolean]>>();
const fieldsOf = (def: ResourceDef) => {
  let list = viewFields.get(def);
  if (!list) viewFields.set(def, (list = Object.entries(def.fields).map(([name, spec]) => [name, spec, spec.kind === 'categories'])));
  return list;
};

/** A database row as the API shows it to this caller. */
export function toView(def: ResourceDef, db: Row, user: AuthUser): Row {
  const sees = seesSensitive(user, db);
  const redacted: string[] = [];
  const out: Row = { id: db.id };
  for (const [name, spec, categories] of fieldsOf(def)) {
    const stored = db[name] ?? null;
    const value = categories && typeof stored === 'string' ? (JSON.parse(stored) as string[]) : stored;
    if (spec.sensitive && !sees && value !== null) {
      out[name] = null;
      redacted.push(name);
    } else out[name] = value;
  }
  Object.assign(out, { createdBy: db.createdBy ?? null, createdAt: db.createdAt, updatedAt: db.updatedAt });
  if (redacted.length) out.redacted = redacted;
  return out;
}

/** Looks up referenced rows once per id (an import names the same unit many times), or many ids in one query. */
export function refLookup(db: Db, user: AuthUser, tenant?: Pick<TenantConfig, 'rules'>) {
  type Target = (typeof refTargets)[string];
  const load: Record<Target, (ids: string[]) => Promise<Row[]>> = {
    person: (ids) => db.select({ id: s.people.id }).from(s.people).where(and(inArray(s.people.id, ids), isNull(s.people.deletedAt))),
    orgUnit: (ids) => db.select({ id: s.orgUnits.id }).from(s.orgUnits).where(and(inArray(s.orgUnits.id, ids), isNull(s.orgUnits.deletedAt))),
    household: (ids) => db.select().from(s.households).where(and(inArray(s.households.id, ids), isNull(s.households.deletedAt), readScope(user, s.households))),
    fieldTrip: (ids) => db.select().from(s.fieldTrips).where(and(inArray(s.fieldTrips.id, ids), isNull(s.fieldTrips.deletedAt), readScope(user, s.fieldTrips))),
  };
  const cache = new Map<string, Promise<Row | undefined>>();
  const one = (target: Target) => (id: string) => {
    const key = `${target}:${id}`;
    if (!cache.has(key)) cache.set(key, load[target]([id]).then((rows) => rows[0]));
    return cache.get(key)!;
  };
  return {
    /** The milestones this tenant's rules name (a milestone report must name one of them). */
    milestones: tenant ? tenantMilestones(tenant) : undefined,
    person: one('person'),
    orgUnit: one('orgUnit'),
    household: one('household'),
    fieldTrip: one('fieldTrip'),
    /** Loads every id not yet looked up, 500 to a query, so that the lookups after it need none. */
    async preload(target: Target, ids: Iterable<string>) {
      const missing = [...new Set(ids)].filter((id) => !cache.has(`${target}:${id}`));
      for (let i = 0; i < missing.length; i += 500) {
        const chunk = missing.slice(i, i + 500);
        const found = new Map((await load[target](chunk)).map((r) => [r.id, r]));
        for (const id of chunk) cache.set(`${target}:${id}`, Promise.resolve(found.get(id)));
      }
    },
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

