/**
 * Many rows in one statement: the rows travel as one JSON array parameter that the database
 * unpacks (`json_each`, `->>`), each value as drizzle would bind it (its column's
 * mapToDriverValue; a missing value takes the column's default, else null). drizzle then builds
 * one small statement instead of a parameter per value, and over HTTP the rows are one string.
 * Used where thousands of rows are written at once: imports, their audit rows, stored results.
 */
import { getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.ts';

const JSON_ROWS_PER_STATEMENT = 2000;

const plans = new WeakMap<SQLiteTable, { head: SQL; columns: [string, SQLiteColumn][] }>();
function planOf(table: SQLiteTable, orReplace: boolean) {
  let plan = plans.get(table);
  if (!plan) {
    const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
    for (const [key, column] of columns) {
      // A default only the database can compute cannot travel in JSON; no table written this way has one.
      if (is(column.default, SQL)) throw new Error(`${getTableName(table)}.${key}: an SQL default cannot be written as JSON rows`);
    }
    const names = columns.map(([, c]) => `"${c.name}"`).join(', ');
    const values = columns.map((_, i) => `value ->> ${i}`).join(', ');
    plan = { head: sql.raw(`"${getTableName(table)}" (${names}) select ${values} from json_each(`), columns };
    plans.set(table, plan);
  }
  return { ...plan, verb: sql.raw(orReplace ? 'insert or replace into ' : 'insert into ') };
}

const driverValue = (column: SQLiteColumn, value: unknown) => {
  const v = value === undefined ? (column.defaultFn?.() ?? column.default ?? null) : value;
  return v === null || v === undefined ? null : column.mapToDriverValue(v);
};

/**
 * The statements inserting `rows` into `table`, JSON_ROWS_PER_STATEMENT at a time. `where` (a
 * guard evaluated inside the batch) keeps every row out when it does not hold; `orReplace`
 * replaces rows with the same key.
 */
export function insertJsonRows(db: Db, table: SQLiteTable, rows: readonly Record<string, unknown>[], opts: { orReplace?: boolean; where?: SQL } = {}): BatchItem<'sqlite'>[] {
  const { head, columns, verb } = planOf(table, opts.orReplace ?? false);
  const out: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < rows.length; i += JSON_ROWS_PER_STATEMENT) {
    const values = JSON.stringify(rows.slice(i, i + JSON_ROWS_PER_STATEMENT).map((row) => columns.map(([key, column]) => driverValue(column, row[key]))));
    out.push(db.run(opts.where ? sql`${verb}${head}${values}) where ${opts.where}` : sql`${verb}${head}${values})`));
  }
  return out;
}
