import { orgUnits, people } from '../../db/schema.ts';
import { flattenOrgUnits, type TenantConfig } from '../tenants/schema.ts';
import { hashPassword, randomPassword } from '../lib/password.ts';
import { newId } from '../lib/ids.ts';
import type { Db } from './client.ts';

export interface ProvisionResult {
  /** Units from the config that were not yet in the database. */
  addedOrgUnits: number;
  /** Set only when this call created the bootstrap admin: shown once, never stored. */
  bootstrapAdmin?: { email: string; password: string };
}

/**
 * Brings a migrated tenant database up to its config: adds org units the
 * config names and the database lacks (the database is the source of truth
 * afterwards; nothing is updated or removed), and on an empty people table
 * creates a bootstrap admin with a one-time password. Safe to run repeatedly
 * and concurrently: every insert is conflict-guarded.
 */
export async function provisionTenant(db: Db, tenant: TenantConfig, now: Date): Promise<ProvisionResult> {
  const at = now.toISOString();
  const units = flattenOrgUnits(tenant.orgUnits).map((u, i) => ({ ...u, sortOrder: i, createdAt: at, updatedAt: at }));
  // Parents come before children in the flattened list, so one batch keeps foreign keys satisfied.
  const inserted = await db.batch(
    units.map((u) => db.insert(orgUnits).values(u).onConflictDoNothing().returning({ id: orgUnits.id })) as [never, ...never[]],
  );
  const addedOrgUnits = (inserted as unknown as unknown[][]).reduce((n, r) => n + r.length, 0);

  const anyone = await db.query.people.findFirst({ columns: { id: true } });
  if (anyone) return { addedOrgUnits };
  const password = randomPassword();
  const created = await db
    .insert(people)
    .values({
      id: newId(),
      name: `${tenant.name}管理员`,
      email: tenant.contactEmail.toLowerCase(),
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      access: 'admin',
      orgUnitId: tenant.orgUnits.id,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing()
    .returning({ id: people.id });
  return created.length ? { addedOrgUnits, bootstrapAdmin: { email: tenant.contactEmail.toLowerCase(), password } } : { addedOrgUnits };
}
