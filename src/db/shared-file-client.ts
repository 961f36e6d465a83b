/**
 * A libSQL client for a local database file that other processes share: the
 * server, `grassroots import|check|migrate|user add` run beside it, a backup
 * tool, `sqlite3` in a shell.
 *
 * Why not the plain `createClient({ url: 'file:…' })`: the native binding
 * (libsql 0.5.x) does not reset a statement whose run failed with
 * SQLITE_BUSY. The statement stays "in progress" on its connection until the
 * garbage collector finalizes it, and until then every COMMIT on that
 * connection fails, while autocommit writes answer success but stay inside a
 * transaction that never ends: confirmed writes that never reach the file.
 * (Upstream: tursodatabase/libsql-client-ts#352, libsql-js#237, open.)
 *
 * So this client (each connection a local-file-client.ts, which keeps its
 * prepared statements):
 * - opens connections with a short busy timeout (the native busy handler
 *   sleeps on the event loop, so it is kept short);
 * - after any busy error, drops the connection the failed statement belongs
 *   to and opens a fresh one, so nothing ever runs on a jammed connection;
 * - retries the operation with an asynchronous backoff (a busy statement or
 *   batch had no effect, so a retry cannot write twice) until `waitMs` has
 *   passed, then throws DatabaseBusyError, which the API answers as 503 with
 *   Retry-After and the CLI as "数据库忙";
 * - runs every batch as BEGIN IMMEDIATE, so a writer waits for the lock at
 *   BEGIN (where waiting works) and never fails half-way with a stale snapshot;
 * - refuses interactive transactions: one would hold the write lock across
 *   awaits and could not be retried. Use `db.batch`.
 */
import { DatabaseBusyError, isBusyError } from './errors.ts';
import { createLocalFileClient } from './local-file-client.ts';
import { LibsqlError, type Client, type Config, type InArgs, type InStatement, type ResultSet, type Transaction, type TransactionMode } from '@libsql/client';

export interface SharedFileOptions {
  /** How long the native busy handler may block one attempt (milliseconds). */
  busyTimeoutMs: number;
  /** How long an operation keeps retrying a busy database before DatabaseBusyError (milliseconds). */
  waitMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class SharedFileClient implements Client {
  readonly protocol = 'file';
  closed = false;
  #config: Config;
  #options: SharedFileOptions;
  #inner: Client;

  constructor(config: Config, options: SharedFileOptions) {
    this.#config = config;
    this.#options = options;
    this.#inner = this.#open();
  }

  #open(): Client {
    return createLocalFileClient(this.#config.url, this.#options.busyTimeoutMs);
  }

  /**
   * Replaces a connection on which a statement failed busy. The old client is
   * closed once the operations already running on it (each a synchronous
   * native call after its turn) have finished.
   */
  #renew(failed: Client) {
    if (this.#inner !== failed || this.closed) return;
    this.#inner = this.#open();
    setImmediate(() => failed.close());
  }

  async #run<T>(op: (client: Client) => Promise<T>, retry = true): Promise<T> {
    const deadline = Date.now() + this.#options.waitMs;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
      const client = this.#inner;
      try {
        return await op(client);
      } catch (e) {
        // An operation that found its client closed by #renew never ran: retry it on the new one.
        const overtaken = client !== this.#inner && (e as { code?: string })?.code === 'CLIENT_CLOSED';
        if (!overtaken && !isBusyError(e)) throw e;
        this.#renew(client);
        const left = deadline - Date.now();
        if (!retry || left <= 0) throw new DatabaseBusyError({ cause: e });
        // 25, 50, 100, 200, 250 ms… with jitter, so waiting writers do not retry in step.
        await sleep(Math.min(left, Math.min(250, 25 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    return this.#run((c) => (typeof stmtOrSql === 'string' ? c.execute(stmtOrSql, args) : c.execute(stmtOrSql)));
  }

  batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'write'): Promise<ResultSet[]> {
    return this.#run((c) => c.batch(stmts, mode === 'read' ? 'read' : 'write'));
  }

  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#run((c) => c.migrate(stmts));
  }

  /** Several statements outside one transaction: not safe to retry, so a busy database fails at once. */
  executeMultiple(sql: string): Promise<void> {
    return this.#run((c) => c.executeMultiple(sql), false);
  }

  transaction(): Promise<Transaction> {
    return Promise.reject(
      new LibsqlError('Interactive transactions are not used on shared database files; use batch()', 'TRANSACTION_UNSUPPORTED'),
    );
  }

  sync(): Promise<never> {
    return Promise.reject(new LibsqlError('sync() is for embedded replicas', 'SYNC_NOT_SUPPORTED'));
  }

  close(): void {
    this.closed = true;
    this.#inner.close();
  }

  reconnect(): void {
    const old = this.#inner;
    this.#inner = this.#open();
    this.closed = false;
    old.close();
  }
}

/** A client for `file:` URLs that survives other processes holding the database lock. */
export function createSharedFileClient(config: Config, options: SharedFileOptions): Client {
  return new SharedFileClient(config, options);
}
