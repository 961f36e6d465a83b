/**
 * Whole rows of one table, as `db.select().from(table)` returns them, read
 * for the hot list reads (every resource's list page and export).
 *
 * drizzle builds the statement; the rows are mapped here, straight from the
 * driver's rows by column name, with each column's own decoder
 * (`mapFromDriverValue`: booleans, JSON…). drizzle's own mapping asks, for
 * every value of every row, which kind of field it is (an `instanceof` walk)
 * and copies the row into an array first: on a 21-row page of 20 columns that
 * cost as much as the query itself (README, Speed). The unit test compares
 * this with drizzle's result on every resource table.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.ts';

type Row = Record<string, unknown>;

const mappers = new WeakMap<SQLiteTable, (row: Record<string, unknown>) => Row>();

function mapperOf(table: SQLiteTable) {
  let map = mappers.get(table);
  if (!map) {
    const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
    map = (raw) => {
      const out: Row = {};
      for (const [key, column] of columns) {
        const v = raw[column.name];
        // As drizzle's mapping: null stays null, a blob arrives as a Buffer.
        out[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v instanceof ArrayBuffer && globalThis.Buffer ? globalThis.Buffer.from(v) : v);
      }
      return out;
    };
    mappers.set(table, map);
  }
  return map;
}

const columnLists = new WeakMap<SQLiteTable, SQL>();
/**
 * `db.select().from(table)` with the column list written once per table: drizzle otherwise
 * rebuilds it (an entity check and a quoted name per column) for every request. Only for tableRows,
 * which reads the rows by column name.
 */
export function selectWhole(db: Db, table: SQLiteTable) {
  let list = columnLists.get(table);
  if (!list) {
    list = sql.raw(Object.values(getTableColumns(table)).map((c) => `"${c.name.replaceAll('"', '""')}"`).join(', '));
    columnLists.set(table, list);
  }
  return db.select({ whole: list }).from(table);
}

/** Runs a `db.select().from(table)…` (or selectWhole) query (every column of `table`, nothing joined) and maps its rows. */
export async function tableRows(db: Db, table: SQLiteTable, query: { toSQL(): { sql: string; params: unknown[] } }): Promise<Row[]> {
  const { sql, params } = query.toSQL();
  const { rows } = await db.$client.execute({ sql, args: params as never });
  const map = mapperOf(table);
  return rows.map((r) => map(r as unknown as Record<string, unknown>));
}
