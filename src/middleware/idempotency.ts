/**
 * `Idempotency-Key` on every POST: a retried request with the same key (and
 * the same body) gets the first response back and writes nothing new.
 *
 * The key is reserved before the handler runs (a row with status 0), so
 * concurrent copies of one request, on one server or on many Workers isolates
 * sharing a remote database, never run the handler twice: the copies wait for
 * the first to finish and replay its response. Record writes store the
 * response in the same transaction as their effect (commitWrite); other POSTs
 * store it right after they succeed. A request that fails releases its key,
 * so the client may retry it.
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
  stored: boolean;
}

/** `status` of a key whose request is still running. */
const PENDING = 0;
/** How long a copy waits for the first request with its key before answering 409. */
const WAIT_MS = 15_000;
/** A reservation this old belongs to a request whose process died: it is released. */
const ABANDONED_MS = 10 * 60_000;

const reused = () => conflict('该 Idempotency-Key 已用于另一个请求', 'This Idempotency-Key was used for a different request');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const keyOf = (c: Context<AppEnv>, key: string) => and(eq(idempotencyKeys.actorId, c.get('user').id), eq(idempotencyKeys.key, key));

function replay(c: Context<AppEnv>, row: { status: number; response: string }) {
  return c.body(row.response, row.status as 200, { 'content-type': 'application/json; charset=UTF-8', 'idempotent-replayed': 'true' });
}

/**
 * Reserves the key for this request, or returns the response of the request
 * that holds it, waiting while that one is still running.
 */
async function reserveOrReplay(c: Context<AppEnv>, deps: AppDeps, state: IdempotencyState): Promise<Response | undefined> {
  const db = c.get('db');
  const deadline = Date.now() + WAIT_MS;
  for (let wait = 50; ; wait = Math.min(wait * 2, 400)) {
    const now = deps.clock.now();
    const reserved = await db
      .insert(idempotencyKeys)
      .values({ actorId: c.get('user').id, key: state.key, method: c.req.method, path: c.req.path, bodyHash: state.bodyHash, status: PENDING, response: '', createdAt: now.toISOString() })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (reserved.length) return undefined;
    const [held] = await db.select().from(idempotencyKeys).where(keyOf(c, state.key)).limit(1);
    if (!held) continue; // released between the two statements: try again
    if (held.bodyHash !== state.bodyHash) throw reused();
    if (held.status !== PENDING) return replay(c, held);
    if (Date.parse(held.createdAt) < now.getTime() - ABANDONED_MS) {
      await db.delete(idempotencyKeys).where(and(keyOf(c, state.key), eq(idempotencyKeys.status, PENDING), eq(idempotencyKeys.createdAt, held.createdAt)));
      continue;
    }
    if (Date.now() >= deadline) throw new AppError('IDEMPOTENCY_IN_PROGRESS');
    await sleep(wait);
  }
}

export const idempotency = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.method === 'POST' ? c.req.header('idempotency-key') : undefined;
    if (key === undefined) return next();
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'header.Idempotency-Key', message: '须为 1–200 个可见 ASCII 字符' }] });
    }
    const state: IdempotencyState = { key, bodyHash: await sha256(`${c.req.method} ${c.req.path}\n${await c.req.text()}`), stored: false };
    const earlier = await reserveOrReplay(c, deps, state);
    if (earlier) return earlier;
    c.set('idempotency', state);
    let ok = false;
    try {
      await next();
      ok = c.res.status >= 200 && c.res.status < 300;
      if (ok && !state.stored) {
        await c.get('db')
          .update(idempotencyKeys)
          .set({ status: c.res.status, response: await c.res.clone().text() })
          .where(and(keyOf(c, key), eq(idempotencyKeys.status, PENDING)));
      }
    } finally {
      // A failed request leaves nothing behind: its key may be used again.
      if (!ok) await c.get('db').delete(idempotencyKeys).where(and(keyOf(c, key), eq(idempotencyKeys.status, PENDING))).catch(() => undefined);
    }
  });

/**
 * Runs a write's statements, its audit rows and (under an Idempotency-Key)
 * its stored response as one transaction, then answers: the effect and the
 * response that a retry replays are never one without the other.
 */
export async function commitWrite(c: Context<AppEnv>, items: BatchItem<'sqlite'>[], status: 200 | 201, body: unknown): Promise<Response> {
  const db = c.get('db');
  const idem = c.get('idempotency');
  const all = [...items];
  if (idem) {
    all.push(db.update(idempotencyKeys).set({ status, response: JSON.stringify(body) }).where(and(keyOf(c, idem.key), eq(idempotencyKeys.status, PENDING))));
  }
  await db.batch(all as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  if (idem) idem.stored = true;
  return c.json(body as object, status);
}
