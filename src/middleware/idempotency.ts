/**
 * `Idempotency-Key` on POST: a retried request with the same key (and the
 * same body) gets the first response back and writes nothing new. Record
 * writes store the response in the same transaction as their effect
 * (commitWrite); other POSTs store it right after they succeed.
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { AppDeps, AppEnv } from '../env.ts';
import { idempotencyKeys } from '../../db/schema.ts';
import { AppError, conflict } from '../lib/errors.ts';

export interface IdempotencyState {
  key: string;
  bodyHash: string;
  method: string;
  path: string;
  stored: boolean;
}

const reused = () => conflict('该 Idempotency-Key 已用于另一个请求', 'This Idempotency-Key was used for a different request');

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function stored(c: Context<AppEnv>, key: string) {
  return (await c.var.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.actorId, c.var.user.id), eq(idempotencyKeys.key, key))).limit(1))[0];
}

function replay(c: Context<AppEnv>, row: { status: number; response: string }) {
  return c.body(row.response, row.status as 200, { 'content-type': 'application/json; charset=UTF-8', 'idempotent-replayed': 'true' });
}

export const idempotency = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.method === 'POST' ? c.req.header('idempotency-key') : undefined;
    if (key === undefined) return next();
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'header.Idempotency-Key', message: '须为 1–200 个可见 ASCII 字符' }] });
    }
    const state: IdempotencyState = { key, bodyHash: await sha256(`${c.req.method} ${c.req.path}\n${await c.req.text()}`), method: c.req.method, path: c.req.path, stored: false };
    const previous = await stored(c, key);
    if (previous) {
      if (previous.bodyHash !== state.bodyHash) throw reused();
      return replay(c, previous);
    }
    c.set('idempotency', state);
    await next();
    if (!state.stored && c.res.status >= 200 && c.res.status < 300) {
      await c.var.db
        .insert(idempotencyKeys)
        .values({ actorId: c.var.user.id, key, method: state.method, path: state.path, bodyHash: state.bodyHash, status: c.res.status, response: await c.res.clone().text(), createdAt: deps.clock.now().toISOString() })
        .onConflictDoNothing();
    }
  });

const isUniqueViolation = (e: unknown) => /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(`${(e as Error)?.message} ${String((e as { cause?: unknown })?.cause)}`);

/**
 * Runs a write's statements, its audit rows and (under an Idempotency-Key)
 * its stored response as one transaction, then answers. If a concurrent retry
 * won the race for the key, this one's statements are rolled back and the
 * winner's response is returned.
 */
export async function commitWrite(c: Context<AppEnv>, now: Date, items: BatchItem<'sqlite'>[], status: 200 | 201, body: unknown): Promise<Response> {
  const db = c.var.db;
  const idem = c.var.idempotency;
  const all = [...items];
  if (idem) {
    all.push(
      db.insert(idempotencyKeys).values({ actorId: c.var.user.id, key: idem.key, method: idem.method, path: idem.path, bodyHash: idem.bodyHash, status, response: JSON.stringify(body), createdAt: now.toISOString() }),
    );
    idem.stored = true;
  }
  try {
    await db.batch(all as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (e) {
    if (idem && isUniqueViolation(e)) {
      const winner = await stored(c, idem.key);
      if (winner) {
        if (winner.bodyHash !== idem.bodyHash) throw reused();
        return replay(c, winner);
      }
    }
    throw e;
  }
  return c.json(body as object, status);
}
