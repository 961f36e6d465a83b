/**
 * Applies db/migrations (written by drizzle-kit, the one source of truth for
 * the schema) to a tenant database. Reads files, so it runs from Node: the
 * embedded server at start-up and `grassroots migrate` for remote databases.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './client.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations', import.meta.url));

export async function migrateTenantDb(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

export function availableMigrations(): string[] {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.map((e) => e.tag);
}

export async function migrationState(db: Db): Promise<{ applied: number; available: number; pending: string[] }> {
  const available = availableMigrations();
  const exists = await db.all<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`);
  const applied = exists[0]?.n ? ((await db.all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`))[0]?.n ?? 0) : 0;
  return { applied, available: available.length, pending: available.slice(applied) };
}
