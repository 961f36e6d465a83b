/**
 * A local stand-in for sqld, for development and tests only (never a
 * production database server): speaks the Hrana v2 HTTP protocol that
 * `@libsql/client/web` uses (POST /v2/pipeline with batons for streams) over a
 * real embedded libSQL database file. sqld is not on the npm registry, so the
 * worker suite and `npm run dev:worker` reach local tenant files through this. Each stream (baton)
 * owns its own connection, so interactive transactions behave as on sqld.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import Database from 'libsql';

type Value = { type: 'null' } | { type: 'integer'; value: string } | { type: 'float'; value: number } | { type: 'text'; value: string } | { type: 'blob'; base64: string };
interface Stmt { sql?: string; sql_id?: number; args?: Value[]; named_args?: { name: string; value: Value }[]; want_rows?: boolean }
type Cond = { type: 'ok' | 'error'; step: number } | { type: 'not'; cond: Cond } | { type: 'and' | 'or'; conds: Cond[] } | { type: 'is_autocommit' };
interface StreamRequest { type: string; stmt?: Stmt; batch?: { steps: { condition?: Cond; stmt: Stmt }[] }; sql?: string; sql_id?: number }

interface Stream { db: InstanceType<typeof Database>; sqls: Map<number, string>; timer?: NodeJS.Timeout }

class ProtoError extends Error {}

const toJs = (v: Value): unknown => {
  switch (v.type) {
    case 'null': return null;
    case 'integer': return BigInt(v.value);
    case 'float': return v.value;
    case 'text': return v.value;
    case 'blob': return Buffer.from(v.base64, 'base64');
  }
};
const fromJs = (v: unknown): Value => {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) ? { type: 'integer', value: String(v) } : { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(v).toString('base64') };
  throw new ProtoError(`unsupported value ${typeof v}`);
};
const errorOf = (e: unknown) => ({ message: (e as Error).message ?? String(e), code: (e as { code?: string }).code ?? 'SQLITE_ERROR' });

function execute(stream: Stream, stmt: Stmt) {
  const sql = stmt.sql ?? stream.sqls.get(stmt.sql_id ?? -1);
  if (sql === undefined) throw new ProtoError('statement has neither sql nor a known sql_id');
  if (stmt.named_args?.length) throw new ProtoError('named arguments are not supported by this test server');
  const args = (stmt.args ?? []).map(toJs);
  const prepared = stream.db.prepare(sql);
  let rows: unknown[][] = [];
  let cols: { name: string; decltype: string | null }[] = [];
  if (prepared.reader) {
    prepared.safeIntegers(true);
    prepared.raw(true);
    cols = prepared.columns().map((c: { name: string; type: string | null }) => ({ name: c.name, decltype: c.type ?? null }));
    rows = prepared.all(...args) as unknown[][];
  } else {
    prepared.run(...args);
  }
  const meta = stream.db.prepare('select changes() as c, last_insert_rowid() as r').get() as { c: number; r: number };
  const isWrite = !/^\s*(select|pragma|explain|with\s+[\s\S]*?\)\s*select)\b/i.test(sql);
  return {
    cols,
    rows: stmt.want_rows === false ? [] : rows.map((r) => r.map(fromJs)),
    affected_row_count: isWrite ? meta.c : 0,
    last_insert_rowid: isWrite ? String(meta.r) : null,
  };
}

function evalCond(c: Cond | undefined, results: (object | null)[], errors: (object | null)[], stream: Stream): boolean {
  if (!c) return true;
  switch (c.type) {
    case 'ok': return results[c.step] != null;
    case 'error': return errors[c.step] != null;
    case 'not': return !evalCond(c.cond, results, errors, stream);
    case 'and': return c.conds.every((x) => evalCond(x, results, errors, stream));
    case 'or': return c.conds.some((x) => evalCond(x, results, errors, stream));
    case 'is_autocommit': return !stream.db.inTransaction;
  }
}

function handle(stream: Stream, req: StreamRequest): { response: object; close?: boolean } {
  switch (req.type) {
    case 'execute':
      return { response: { type: 'execute', result: execute(stream, req.stmt!) } };
    case 'batch': {
      const results: (object | null)[] = [];
      const errors: (object | null)[] = [];
      for (const step of req.batch!.steps) {
        if (!evalCond(step.condition, results, errors, stream)) {
          results.push(null);
          errors.push(null);
          continue;
        }
        try {
          results.push(execute(stream, step.stmt));
          errors.push(null);
        } catch (e) {
          if (e instanceof ProtoError) throw e;
          results.push(null);
          errors.push(errorOf(e));
        }
      }
      return { response: { type: 'batch', result: { step_results: results, step_errors: errors } } };
    }
    case 'sequence': {
      const sql = req.sql ?? stream.sqls.get(req.sql_id ?? -1);
      if (sql === undefined) throw new ProtoError('sequence without sql');
      stream.db.exec(sql);
      return { response: { type: 'sequence' } };
    }
    case 'store_sql':
      stream.sqls.set(req.sql_id!, req.sql!);
      return { response: { type: 'store_sql' } };
    case 'close_sql':
      stream.sqls.delete(req.sql_id!);
      return { response: { type: 'close_sql' } };
    case 'get_autocommit':
      return { response: { type: 'get_autocommit', is_autocommit: !stream.db.inTransaction } };
    case 'close':
      return { response: { type: 'close' }, close: true };
    default:
      throw new ProtoError(`unknown request type ${req.type}`);
  }
}

export interface HranaServer {
  url: string;
  port: number;
  /** Number of pipeline requests served, to show that traffic went over HTTP. */
  requests(): number;
  close(): Promise<void>;
}

export async function startHranaServer(dbPath: string, opts: { authToken?: string; streamIdleMs?: number; port?: number } = {}): Promise<HranaServer> {
  const streams = new Map<string, Stream>();
  const idleMs = opts.streamIdleMs ?? 10_000;
  let served = 0;

  const closeStream = (baton: string) => {
    const s = streams.get(baton);
    if (!s) return;
    clearTimeout(s.timer);
    streams.delete(baton);
    if (s.db.inTransaction) s.db.exec('ROLLBACK');
    s.db.close();
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/v2') return send(res, 200, {});
    if (req.method !== 'POST' || req.url !== '/v2/pipeline') return send(res, 404, { error: 'not found' });
    if (opts.authToken && req.headers.authorization !== `Bearer ${opts.authToken}`) return send(res, 401, { error: 'unauthorized' });
    const chunks: Buffer[] = [];
    for await (const ch of req) chunks.push(ch as Buffer);
    let body: { baton?: string | null; requests: StreamRequest[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'bad json' });
    }
    served++;
    let baton = body.baton ?? undefined;
    let stream: Stream;
    if (baton) {
      const found = streams.get(baton);
      if (!found) return send(res, 400, { error: 'unknown baton' });
      streams.delete(baton);
      clearTimeout(found.timer);
      stream = found;
    } else {
      const db = new Database(dbPath, { timeout: 5000 });
      stream = { db, sqls: new Map() };
    }
    const results: object[] = [];
    let closed = false;
    for (const r of body.requests ?? []) {
      try {
        const out = handle(stream, r);
        results.push({ type: 'ok', response: out.response });
        if (out.close) closed = true;
      } catch (e) {
        if (e instanceof ProtoError) return send(res, 400, { error: e.message });
        results.push({ type: 'error', error: errorOf(e) });
      }
    }
    if (closed) {
      if (stream.db.inTransaction) stream.db.exec('ROLLBACK');
      stream.db.close();
      baton = undefined;
    } else {
      baton = randomBytes(12).toString('hex');
      const b = baton;
      stream.timer = setTimeout(() => closeStream(b), idleMs);
      streams.set(baton, stream);
    }
    send(res, 200, { baton: baton ?? null, base_url: null, results });
  });
  // Keep idle connections longer than a client pauses between requests (a long evaluation): Node's 5 s
  // default closes a socket the client may be about to reuse, which it sees as ECONNRESET.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => served,
    close: () =>
      new Promise<void>((r) => {
        for (const b of [...streams.keys()]) closeStream(b);
        server.close(() => r());
      }),
  };
}
