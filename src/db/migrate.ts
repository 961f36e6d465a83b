/**
 * Applies the SQL migrations written by drizzle-kit (db/migrations for a tenant's database,
 * db/registry-migrations for the registry), compiled into migrations.generated.ts so that a Worker,
 * which has no files, can migrate a database it has just created. Same bookkeeping as drizzle's
 * libSQL migrator (the `__drizzle_migrations` table, one row per migration), so databases migrated
 * by earlier versions carry on; all pending migrations apply in one transaction, or none do.
 */
import { sql } from 'drizzle-orm';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import { registryMigrations, tenantMigrations } from './migrations.generated.ts';

export interface Migration {
  tag: string;
  folderMillis: number;
  hash: string;
  sql: string[];
}

// Any drizzle libSQL database: a tenant's or the registry.
type AnyDb = LibSQLDatabase<Record<string, unknown>>;

/** How far a database is: applied migrations out of those this build knows, and the pending ones' names. */
export async function migrationState(db: AnyDb, migrations: Migration[] = tenantMigrations): Promise<{ applied: number; available: number; pending: string[] }> {
  const exists = await db.all<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`);
  const last = exists[0]?.n ? (await db.all<{ at: number }>(sql`select max(created_at) as at from __drizzle_migrations`))[0]?.at : undefined;
  const pending = migrations.filter((m) => last === undefined || last === null || Number(last) < m.folderMillis);
  return { applied: migrations.length - pending.length, available: migrations.length, pending: pending.map((m) => m.tag) };
}

/** Brings a database up to this build's schema; safe to re-run (nothing pending, nothing done). Returns the state after. */
export async function applyMigrations(db: AnyDb, migrations: Migration[]) {
  await db.run(sql`CREATE TABLE IF NOT EXISTS __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const before = await migrationState(db, migrations);
  const todo = migrations.filter((m) => before.pending.includes(m.tag));
  if (todo.length) {
    const statements = todo.flatMap((m) => [...m.sql.map((s) => db.run(sql.raw(s))), db.run(sql`INSERT INTO __drizzle_migrations (hash, created_at) VALUES (${m.hash}, ${m.folderMillis})`)]);
    // libSQL's migrate(): one transaction with foreign-key checks off, as drizzle's migrator runs it.
    await (db as unknown as { session: { migrate(queries: unknown[]): Promise<unknown> } }).session.migrate(statements);
  }
  return { ...before, applied: migrations.length, pending: [], appliedNow: todo.map((m) => m.tag) };
}

export const migrateTenantDb = (db: AnyDb) => applyMigrations(db, tenantMigrations);
export const migrateRegistryDb = (db: AnyDb) => applyMigrations(db, registryMigrations);
export const availableMigrations = () => tenantMigrations.map((m) => m.tag);
