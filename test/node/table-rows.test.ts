/**
 * tableRows (src/db/table-rows.ts), the list reads' row mapping, gives what
 * drizzle's own `db.select().from(table)` gives, on every table of the schema
 * filled by `npm run demo` (booleans, JSON text, nulls, numbers), through the
 * local file client the server uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, getTableColumns, is } from 'drizzle-orm';
import { SQLiteTable, getTableConfig } from 'drizzle-orm/sqlite-core';
import { runDemo } from '../../scripts/demo.ts';
import { TENANTS_DIR } from '../support/node-app.ts';
import { createLocalFileClient } from '../../src/db/local-file-client.ts';
import { makeDb, schema, type Db } from '../../src/db/client.ts';
import { selectWhole, tableRows } from '../../src/db/table-rows.ts';
import { resources } from '../../src/records/resources.ts';
import type { Client } from '@libsql/client';

const dir = mkdtempSync(join(tmpdir(), 'grassroots-table-rows-'));
let client: Client;
let db: Db;
beforeAll(async () => {
  await runDemo({ DATA_DIR: dir, TENANTS_DIR, JWT_SECRET: 'table-rows-secret-0123456789abcdefghijklmnopqrstuvwxyz' }, () => {});
  client = createLocalFileClient(`file:${join(dir, 'binzhou.db')}`, 50);
  db = makeDb(client);
}, 120_000);
afterAll(() => {
  client?.close();
  rmSync(dir, { recursive: true, force: true });
});

const tables = (Object.values(schema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable));

describe('tableRows maps rows exactly as drizzle does, from select() and from selectWhole', () => {
  it('covers every resource table among the schema tables', () => {
    for (const def of resources) expect(tables).toContain(def.table);
  });
  for (const table of tables) {
    const name = getTableConfig(table).name;
    it(`${name}: every row, every column, same values and types`, async () => {
      const firstColumn = Object.values(getTableColumns(table))[0];
      const query = () => db.select().from(table).orderBy(asc(firstColumn as never)).limit(500);
      const expected = await query();
      expect(await tableRows(db, table, query())).toStrictEqual(expected);
      expect(await tableRows(db, table, selectWhole(db, table).orderBy(asc(firstColumn as never)).limit(500))).toStrictEqual(expected);
    });
  }
  it('the demo filled the resource tables it is compared on', async () => {
    const filled = await Promise.all(resources.map(async (def) => (await db.select().from(def.table).limit(1)).length));
    expect(filled.filter((n) => n > 0).length).toBeGreaterThanOrEqual(Math.ceil(resources.length / 2));
  });
});
