/**
 * The connection under the shared file client (shared-file-client.ts): one
 * native `libsql` connection to a local database file, with the statements it
 * has prepared kept for reuse.
 *
 * Why not `createClient({ url: 'file:…' })` from @libsql/client underneath:
 * that client prepares every statement afresh, asks the native statement for
 * its columns twice, and builds each row with a property definition per
 * value. On the list read that was most of the request's database time
 * (README, Speed). This client keeps the prepared statement and its column
 * names, reads rows as arrays, and builds each row as a plain object. It
 * answers exactly what @libsql/client's file client answers, with
 * `intMode: 'number'` (test/node/local-file-client.test.ts runs the same
 * statements through both and compares): rows readable by name and by index
 * with a non-enumerable `length`, the same argument conversions, the same
 * LibsqlError codes, batch and migrate in one transaction.
 *
 * What the wrapper relies on, and this keeps true:
 * - every operation is one synchronous run of native calls, so one
 *   connection serves every caller and nothing interleaves inside it;
 * - a statement that failed is dropped from the cache: it is never reused in
 *   whatever state the failure left it (the wrapper also drops the whole
 *   connection after a busy error);
 * - a cached statement always runs to its end (a read is read to its last
 *   row), so no cached statement holds a read transaction open between calls;
 * - DDL (migrate, executeMultiple) empties the cache.
 */
import Database from 'libsql';
import { Buffer } from 'node:buffer';
import { LibsqlBatchError, LibsqlError, type Client, type InArgs, type InStatement, type InValue, type ResultSet, type Row, type Transaction, type TransactionMode } from '@libsql/client';
// The result set and BEGIN statements exactly as @libsql/client's own clients make them.
import { ResultSetImpl, transactionModeToBegin } from '@libsql/core/util';

/** Statements kept per connection; beyond it the oldest is dropped (generated IN-lists make many one-off texts). */
const CACHE_SIZE = 256;

type Value = null | string | number | bigint | ArrayBuffer;

/**
 * A row as @libsql/client builds it: each column by name (enumerable, the
 * first of a repeated name wins) and by index (not enumerable), `length` not
 * enumerable. One class per column list: names are assigned in its
 * constructor (so every row of a statement shares one shape), indexes and
 * `length` are getters over a private array, which spreading, JSON,
 * Object.keys and equality never see.
 */
type RowMaker = (values: Value[]) => Row;
function rowMaker(columns: string[]): RowMaker {
  const seen = new Set<string>(['length']);
  const assigns: string[] = [];
  columns.forEach((name, i) => {
    if (!seen.has(name) && !/^\d+$/.test(name)) assigns.push(`this[${JSON.stringify(name)}] = v[${i}];`);
    seen.add(name);
  });
  const getters = columns.map((_, i) => `get ${i}() { return this.#v[${i}]; }`).join(' ');
  const RowClass = new Function(`return class Row { #v; constructor(v) { this.#v = v; ${assigns.join(' ')} } get length() { return this.#v.length; } ${getters} }`)() as new (v: Value[]) => Row;
  return (values) => new RowClass(values);
}

interface Prepared {
  stmt: Database.Statement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
  makeRow: RowMaker;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -9223372036854775808n;
const MAX_INT64 = 9223372036854775807n;

function valueFromSql(v: unknown): Value {
  if (typeof v === 'bigint') {
    if (v < MIN_SAFE || v > MAX_SAFE) throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    return Number(v);
  }
  if (v instanceof Buffer) return (v as Buffer).buffer as ArrayBuffer;
  return v as Value;
}

function valueToSql(v: InValue | undefined): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    return v;
  }
  if (typeof v === 'bigint') {
    if (v < MIN_INT64 || v > MAX_INT64) throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
    return v;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (v instanceof Date) return v.valueOf();
  if (v === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return v;
}

function argsToSql(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(valueToSql);
  const named: Record<string, unknown> = {};
  for (const name in args) named[/^[@$:]/.test(name) ? name.slice(1) : name] = valueToSql(args[name]);
  return named;
}

const BASE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY', 9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT', 12: 'SQLITE_NOTFOUND', 13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL', 16: 'SQLITE_EMPTY', 17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE', 22: 'SQLITE_NOLFS', 23: 'SQLITE_AUTH', 24: 'SQLITE_FORMAT', 25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB', 27: 'SQLITE_NOTICE', 28: 'SQLITE_WARNING',
};

/** The native error as @libsql/client reports it: base code, extended code, raw code, the native error as cause. */
function toLibsqlError(e: unknown): unknown {
  if (!(e instanceof Database.SqliteError)) return e;
  const raw = (e as { rawCode?: number }).rawCode;
  const code = raw === undefined ? 'SQLITE_UNKNOWN' : (BASE_CODES[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
  return new LibsqlError(e.message, code, e.code, raw, e);
}

class LocalFileClient implements Client {
  readonly protocol = 'file';
  closed = false;
  #db: Database.Database;
  #cache = new Map<string, Prepared>();

  constructor(path: string, timeoutMs: number | undefined) {
    this.#db = new Database(path, { timeout: timeoutMs });
    // Fail at once when the file cannot be opened at all, as @libsql/client does.
    try {
      this.#run('SELECT 1 AS checkThatTheDatabaseCanBeOpened');
    } catch (e) {
      this.close();
      throw e;
    }
  }

  #prepare(sql: string): Prepared {
    const hit = this.#cache.get(sql);
    if (hit) return hit;
    const stmt = this.#db.prepare(sql);
    stmt.safeIntegers(true);
    const reader = stmt.reader;
    let columns: string[] = [];
    let columnTypes: string[] = [];
    if (reader) {
      stmt.raw(true);
      const defs = stmt.columns();
      columns = defs.map((c) => c.name);
      columnTypes = defs.map((c) => c.type ?? '');
    }
    const prepared = { stmt, reader, columns, columnTypes, makeRow: rowMaker(columns) };
    if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(sql, prepared);
    return prepared;
  }

  #run(stmt: InStatement): ResultSet {
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const args = typeof stmt === 'string' ? [] : argsToSql(stmt.args);
    try {
      let p = this.#prepare(sql);
      if (!p.reader) {
        const info = p.stmt.run(args);
        return new ResultSetImpl([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      const raw = p.stmt.all(args) as unknown[][];
      // Another process may have changed the schema under a `select *`: SQLite re-prepares, the columns follow.
      if (raw.length && raw[0].length !== p.columns.length) {
        this.#cache.delete(sql);
        p = this.#prepare(sql);
      }
      const rows = new Array<Row>(raw.length);
      for (let r = 0; r < raw.length; r++) {
        const values = raw[r] as Value[];
        for (let i = 0; i < values.length; i++) values[i] = valueFromSql(values[i]);
        rows[r] = p.makeRow(values);
      }
      return new ResultSetImpl(p.columns, p.columnTypes, rows, 0, undefined);
    } catch (e) {
      this.#cache.delete(sql);
      throw toLibsqlError(e);
    }
  }

  #checkOpen() {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
  }

  /** Each statement in turn inside one transaction; a failure rolls back and names the statement. */
  #inTransaction(begin: string, stmts: Array<InStatement | [string, InArgs?]>): ResultSet[] {
    this.#run(begin);
    try {
      const results: ResultSet[] = [];
      stmts.forEach((s, i) => {
        try {
          if (!this.#db.inTransaction) throw new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED');
          results.push(this.#run(Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s));
        } catch (e) {
          if (e instanceof LibsqlBatchError || !(e instanceof LibsqlError)) throw e;
          throw new LibsqlBatchError(e.message, i, e.code, e.extendedCode, e.rawCode, e.cause instanceof Error ? e.cause : undefined);
        }
      });
      this.#run('COMMIT');
      return results;
    } finally {
      if (this.#db.open && this.#db.inTransaction) this.#run('ROLLBACK');
    }
  }

  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    this.#checkOpen();
    return this.#run(typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql);
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    this.#checkOpen();
    return this.#inTransaction(transactionModeToBegin(mode), stmts);
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.#checkOpen();
    this.#run('PRAGMA foreign_keys=off');
    try {
      return this.#inTransaction(transactionModeToBegin('deferred'), stmts);
    } finally {
      this.#cache.clear();
      this.#run('PRAGMA foreign_keys=on');
    }
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#checkOpen();
    this.#cache.clear();
    try {
      this.#db.exec(sql);
    } catch (e) {
      throw toLibsqlError(e);
    } finally {
      // Like @libsql/client: a transaction the text left open is not carried into the next call.
      if (this.#db.open && this.#db.inTransaction) this.#run('ROLLBACK');
    }
  }

  transaction(): Promise<Transaction> {
    return Promise.reject(new LibsqlError('Interactive transactions are not used on shared database files; use batch()', 'TRANSACTION_UNSUPPORTED'));
  }

  sync(): Promise<never> {
    return Promise.reject(new LibsqlError('sync() is for embedded replicas', 'SYNC_NOT_SUPPORTED'));
  }

  reconnect(): void {
    throw new LibsqlError('reconnect() is done by the shared file client', 'RECONNECT_UNSUPPORTED');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#cache.clear();
    try {
      if (this.#db.open) this.#db.close();
    } catch {
      // nothing useful to do while tearing down
    }
  }
}

/** A `file:` URL's path as @libsql/client reads it (file:/abs, file:///abs, file:rel). */
export function filePath(url: string): string {
  const m = /^file:(?:\/\/(?:localhost)?(?=\/))?([^?#]*)/i.exec(url);
  if (!m || !m[1]) throw new LibsqlError(`Not a local database file URL: ${JSON.stringify(url)}`, 'URL_INVALID');
  return decodeURIComponent(m[1]);
}

/** One cached-statement connection to a local database file; the busy timeout is the native handler's wait. */
export function createLocalFileClient(url: string, timeoutMs?: number): Client {
  return new LocalFileClient(filePath(url), timeoutMs);
}
