/**
 * The local file client (src/db/local-file-client.ts) against @libsql/client's
 * own file client: the same statements on two copies of one database give the
 * same answers (rows by name, by index, as JSON, through drizzle), the same
 * errors, the same batch behaviour; and its statement cache never holds a read
 * transaction, never reuses a failed statement, and follows a schema another
 * process changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, LibsqlBatchError, LibsqlError, type Client, type InStatement, type ResultSet } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { createLocalFileClient } from '../../src/db/local-file-client.ts';
import { makeDb } from '../../src/db/client.ts';

let dir: string;
let ours: Client;
let theirs: Client;

const SETUP = `
  create table t (id integer primary key, name text not null unique, score real, flag integer, big integer, data blob, note text);
  create table u (id integer primary key, t_id integer references t(id), name text);
  insert into t values (1, 'a', 1.5, 1, 9007199254740991, x'0102', null), (2, 'b', null, 0, -3, null, '中文');
  insert into u values (10, 1, 'u-a'), (11, 2, 'u-b');`;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-file-client-'));
  const seed = createClient({ url: `file:${join(dir, 'seed.db')}` });
  await seed.executeMultiple(SETUP);
  seed.close();
  copyFileSync(join(dir, 'seed.db'), join(dir, 'ours.db'));
  copyFileSync(join(dir, 'seed.db'), join(dir, 'theirs.db'));
  ours = createLocalFileClient(`file:${join(dir, 'ours.db')}`, 50);
  theirs = createClient({ url: `file:${join(dir, 'theirs.db')}` });
});
afterEach(() => {
  ours.close();
  theirs.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything a caller can see of a result set. */
function seen(r: ResultSet) {
  return {
    columns: r.columns,
    columnTypes: r.columnTypes,
    rowsAffected: r.rowsAffected,
    lastInsertRowid: r.lastInsertRowid,
    json: JSON.stringify(r.rows),
    keys: r.rows.map((row) => Object.keys(row)),
    byIndex: r.rows.map((row) => Array.prototype.slice.call(row)),
    lengths: r.rows.map((row) => row.length),
    spread: r.rows.map((row) => ({ ...row })),
    toJSON: JSON.stringify(r),
  };
}

async function outcome(client: Client, run: (c: Client) => Promise<unknown>) {
  try {
    const r = await run(client);
    return { ok: Array.isArray(r) ? r.map(seen) : r ? seen(r as ResultSet) : r };
  } catch (e) {
    const err = e as LibsqlError & { statementIndex?: number };
    return { error: { cls: e instanceof LibsqlBatchError ? 'batch' : e instanceof LibsqlError ? 'libsql' : (e as Error).name, code: err.code, extendedCode: err.extendedCode, rawCode: err.rawCode, statementIndex: err.statementIndex } };
  }
}

const same = async (run: (c: Client) => Promise<unknown>) => {
  const [a, b] = [await outcome(ours, run), await outcome(theirs, run)];
  expect(a).toEqual(b);
  return a;
};

describe('local file client answers as @libsql/client file client does', () => {
  const reads: Array<[string, InStatement]> = [
    ['every value type, by name and index', 'select * from t order by id'],
    ['positional arguments', { sql: 'select id, name from t where id = ? or name = ?', args: [2, 'a'] }],
    ['named arguments with each prefix', { sql: 'select :a as a, @b as b, $c as c', args: { ':a': 1, '@b': 'x', $c: null } }],
    ['a repeated column name keeps the first value by name', 'select t.id, u.id, t.name, u.name from t join u on u.t_id = t.id order by t.id'],
    ['no rows', 'select * from t where id = 99'],
    ['an expression column', "select count(*) as n, group_concat(name, ',') from t"],
    ['booleans, dates and bigints as arguments', { sql: 'select ? as yes, ? as no, ? as at, ? as big', args: [true, false, new Date(Date.UTC(2026, 0, 2)), 12n] }],
  ];
  for (const [what, stmt] of reads) it(`read: ${what}`, () => same((c) => c.execute(stmt)));

  it('write: insert answers rowsAffected and lastInsertRowid; update, delete and RETURNING alike', async () => {
    await same((c) => c.execute({ sql: 'insert into t (name, score) values (?, ?)', args: ['c', 2] }));
    await same((c) => c.execute("update t set note = 'n' where id <= 2"));
    await same((c) => c.execute("insert into t (name) values ('d') returning id, name"));
    await same((c) => c.execute('delete from t where id > 2'));
    await same((c) => c.execute('select * from t order by id'));
  });

  it('an integer beyond 2^53 is refused, not rounded (intMode number)', async () => {
    await ours.execute('update t set big = 9007199254740993 where id = 1');
    await theirs.execute('update t set big = 9007199254740993 where id = 1');
    const r = await same((c) => c.execute('select big from t where id = 1'));
    expect(r.error?.cls).toBe('RangeError');
  });

  it('errors: constraint, syntax, unknown table carry the same codes; undefined and NaN arguments are refused', async () => {
    const unique = await same((c) => c.execute("insert into t (name) values ('a')"));
    expect(unique.error).toMatchObject({ cls: 'libsql', code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    await same((c) => c.execute('selec 1'));
    await same((c) => c.execute('select * from missing'));
    await expect(ours.execute({ sql: 'select ?', args: [undefined as never] })).rejects.toThrow(TypeError);
    await expect(ours.execute({ sql: 'select ?', args: [Number.NaN] })).rejects.toThrow(RangeError);
  });

  it('batch: one transaction; a failing statement rolls back all of it and is named by index', async () => {
    const stmts: InStatement[] = ["insert into t (name) values ('x')", "insert into t (name) values ('a')", "insert into t (name) values ('y')"];
    const failed = await same((c) => c.batch(stmts, 'write'));
    expect(failed.error).toMatchObject({ cls: 'batch', statementIndex: 1, code: 'SQLITE_CONSTRAINT' });
    await same((c) => c.execute("select count(*) as n from t where name in ('x', 'y')"));
    await same((c) => c.batch(["insert into t (name) values ('x')", ['select name from t where name = ?', ['x']]], 'write'));
    await same((c) => c.batch([['select count(*) as n from t where name = ?', ['x']]], 'read'));
  });

  it('migrate and executeMultiple run DDL and leave no transaction open', async () => {
    await same((c) => c.migrate(['alter table u add column extra text', "update u set extra = 'e'"]));
    await same((c) => c.executeMultiple("create table v (k text); insert into v values ('1'); begin;"));
    await same((c) => c.execute('select * from u order by id'));
    await same((c) => c.execute("insert into v values ('2')"));
  });

  it('through drizzle: select builders and raw sql give the same objects', async () => {
    const [a, b] = [makeDb(ours), makeDb(theirs)];
    const q = (db: typeof a) => db.all(sql`select t.id, t.name, u.name as unit from t left join u on u.t_id = t.id order by t.id`);
    expect(await q(a)).toEqual(await q(b));
    const v = (db: typeof a) => db.values(sql`select id, name from t order by id`);
    expect(await v(a)).toEqual(await v(b));
  });
});

describe('local file client statement cache', () => {
  it('a cached read holds no read transaction: another connection can truncate the WAL after it', async () => {
    await ours.execute('PRAGMA journal_mode=WAL');
    const other = createClient({ url: `file:${join(dir, 'ours.db')}` });
    try {
      for (let i = 0; i < 3; i++) await ours.execute({ sql: 'select * from t where id >= ?', args: [1] });
      await other.execute("insert into t (name) values ('from-other')");
      const [ck] = (await other.execute('PRAGMA wal_checkpoint(TRUNCATE)')).rows;
      expect(Number(ck[0])).toBe(0); // 0: not blocked by a reader
      // …and the cached statement sees the other connection's write.
      expect((await ours.execute({ sql: 'select * from t where id >= ?', args: [1] })).rows.map((r) => r.name)).toContain('from-other');
    } finally {
      other.close();
    }
  });

  it('a statement that failed is prepared afresh and then succeeds', async () => {
    const insert = 'insert into t (name) values (?)';
    await expect(ours.execute({ sql: insert, args: ['a'] })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await ours.execute({ sql: insert, args: ['fresh'] });
    expect((await ours.execute("select count(*) as n from t where name = 'fresh'")).rows[0].n).toBe(1);
  });

  it('a select * follows a column another process added', async () => {
    const before = await ours.execute('select * from u order by id');
    const other = createClient({ url: `file:${join(dir, 'ours.db')}` });
    await other.execute("alter table u add column added text default 'new'");
    other.close();
    const after = await ours.execute('select * from u order by id');
    expect(after.columns).toEqual([...before.columns, 'added']);
    expect(after.rows[0].added).toBe('new');
  });

  it('more distinct statements than the cache keeps all still answer', async () => {
    for (let i = 0; i < 300; i++) expect((await ours.execute(`select ${i} as n`)).rows[0].n).toBe(i);
    expect((await ours.execute('select 7 as n')).rows[0].n).toBe(7);
  });

  it('a closed client refuses work with CLIENT_CLOSED', async () => {
    ours.close();
    await expect(ours.execute('select 1')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});
