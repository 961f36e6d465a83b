/**
 * The migrations build exactly the tables that db/schema.ts (and through it
 * src/records/kinds.ts) describes: a field added to a kind without
 * `npm run db:generate` fails here, before it fails on a user's write.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { is } from 'drizzle-orm';
import { SQLiteTable, getTableConfig } from 'drizzle-orm/sqlite-core';
import * as s from '../../db/schema.ts';
import { makeDb } from '../../src/db/client.ts';
import { migrateTenantDb } from '../../src/db/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'gr-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tables = Object.values(s as Record<string, unknown>).filter((x): x is SQLiteTable => is(x, SQLiteTable));

describe('migrations and schema agree', () => {
  it('every table of db/schema.ts exists after the migrations with the same columns, NOT NULL flags, defaults and indexes', async () => {
    const client = createClient({ url: `file:${join(dir, 'tenant.db')}` });
    await migrateTenantDb(makeDb(client));
    expect(tables.length).toBeGreaterThan(15);
    for (const table of tables) {
      const config = getTableConfig(table);
      const info = await client.execute(`pragma table_info("${config.name}")`);
      const actual = info.rows.map((r) => ({ name: r.name, notNull: Number(r.notnull) === 1 || Number(r.pk) > 0, hasDefault: r.dflt_value !== null })).sort((a, b) => String(a.name).localeCompare(String(b.name)));
      const expected = config.columns
        .map((c) => ({ name: c.name, notNull: c.notNull || c.primary, hasDefault: c.default !== undefined }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(actual, config.name).toEqual(expected);
      const indexes = (await client.execute(`select name from sqlite_master where type = 'index' and tbl_name = '${config.name}' and name not like 'sqlite_%'`)).rows.map((r) => r.name).sort();
      expect(indexes, config.name).toEqual(config.indexes.map((i) => i.config.name).sort());
    }
    client.close();
  });
});
