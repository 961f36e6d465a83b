/**
 * A tenant database that another connection holds locked: the API waits up to
 * DB_BUSY_WAIT_MS, then answers 503 DATABASE_BUSY with Retry-After and writes
 * nothing; once the lock is gone the same connection writes again, and what it
 * confirms is in the file. The CLI says "数据库忙" and never prints the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { makeTestApp, type TestApp } from '../support/node-app.ts';
import { describeFailure, main } from '../../src/cli/main.ts';

let t: TestApp;
let token: string;
let file: string;
beforeAll(async () => {
  t = await makeTestApp({ vars: { DB_BUSY_WAIT_MS: '300' } });
  token = await t.adminToken('binzhou');
  file = join(t.dir, 'binzhou.db');
});
afterAll(() => t.close());

async function holdingLock<T>(f: () => Promise<T>): Promise<T> {
  const other = createClient({ url: `file:${file}` });
  const tx = await other.transaction('write');
  try {
    return await f();
  } finally {
    await tx.rollback();
    other.close();
  }
}

async function inFile(sql: string, args: string[]): Promise<number> {
  const reader: Client = createClient({ url: `file:${file}` });
  try {
    return Number((await reader.execute({ sql, args })).rows[0].n);
  } finally {
    reader.close();
  }
}

describe('a database locked by another process', () => {
  it('a write that cannot get the lock within DB_BUSY_WAIT_MS answers 503 DATABASE_BUSY with Retry-After and writes nothing', async () => {
    const res = await holdingLock(() => t.request('/v1/binzhou/people', { method: 'POST', token, json: { name: '锁期间的人' } }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('DATABASE_BUSY');
    expect(body.error.message).toContain('数据库忙');
    expect(JSON.stringify(body)).not.toMatch(/insert|SQLITE|people/i);
    expect(await inFile('select count(*) as n from people where name = ?', ['锁期间的人'])).toBe(0);
  });

  it('after a busy error the connection is not jammed: later writes are confirmed and are in the file', async () => {
    await holdingLock(() => t.request('/v1/binzhou/org-units', { method: 'POST', token, json: { name: '锁期间的组织', level: 'city', type: 'department', parentId: 'binzhou' } }));
    const person = await t.request('/v1/binzhou/people', { method: 'POST', token, json: { name: '锁之后的人' } });
    expect(person.status).toBe(201);
    const unit = await t.request('/v1/binzhou/org-units', { method: 'POST', token, json: { name: '锁之后的组织', level: 'city', type: 'department', parentId: 'binzhou' } });
    expect(unit.status).toBe(201);
    const { id } = (await person.json()) as { id: string };
    const diary = await t.request('/v1/binzhou/diary-entries', { method: 'POST', token, json: { personId: id, entryDate: '2012-07-01', content: '锁之后的日记' } });
    expect(diary.status).toBe(201);
    expect(await inFile('select count(*) as n from people where id = ?', [id])).toBe(1);
    expect(await inFile(`select count(*) as n from org_units where name = ?`, ['锁之后的组织'])).toBe(1);
    expect(await inFile(`select count(*) as n from diary_entries where content = ?`, ['锁之后的日记'])).toBe(1);
    // And another connection can write: nothing is left holding the lock.
    const writer = createClient({ url: `file:${file}` });
    await writer.execute(`update org_units set sort_order = sort_order where id = 'binzhou'`);
    writer.close();
  });

  it('a write waits for a lock shorter than DB_BUSY_WAIT_MS and then succeeds', async () => {
    const other = createClient({ url: `file:${file}` });
    const tx = await other.transaction('write');
    setTimeout(() => void tx.rollback(), 100);
    const res = await t.request('/v1/binzhou/people', { method: 'POST', token, json: { name: '等锁的人' } });
    other.close();
    expect(res.status).toBe(201);
  });

  it('grassroots user add during a lock says 数据库忙 and prints neither the email nor the password hash', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DATA_DIR: t.dir, DB_BUSY_WAIT_MS: '200', JWT_SECRET: 'busy-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
    try {
      const failure = await holdingLock(() =>
        main(['user', 'add', '--tenant', 'binzhou', '--email', 'secret-person@binzhou.cn', '--password', 'hunter2-secret', '--access', 'member'], () => {}).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(failure).toBeDefined();
      const printed = describeFailure(failure);
      expect(printed).toMatch(/^错误 DATABASE_BUSY: 数据库忙/);
      expect(printed).not.toMatch(/secret-person|pbkdf2|hunter2|insert|params/i);
      expect(await inFile('select count(*) as n from people where email = ?', ['secret-person@binzhou.cn'])).toBe(0);
    } finally {
      process.env = saved;
    }
  });
});
