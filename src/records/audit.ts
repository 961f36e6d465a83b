import { newId } from '../lib/ids.ts';
import { sql } from 'drizzle-orm';
import { auditLog } from '../../db/schema.ts';
import type { Db } from '../db/client.ts';
import type { FieldSpec } from './fields.ts';
import type { AppEnv } from '../env.ts';
import type { Context } from 'hono';

export type AuditAction = 'create' | 'update' | 'delete' | 'read' | 'import';

export interface AuditContext {
  db: Db;
  actorId: string | null;
  requestId: string | null;
  now: Date;
}

/** The audit context of a request: its database, who is acting, its request id, and now. */
export const auditContext = (c: { get: Context<AppEnv>['get'] }, now: Date): AuditContext => ({ db: c.get('db'), actorId: c.get('user').id, requestId: c.get('requestId'), now });

/** The listed columns of a row that differ before and after, as [before, after] (people, org units). */
export function changedColumns<T extends object>(keys: readonly (keyof T & string)[], before: T | null, after: T): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of keys) {
    const a = (before?.[k] ?? null) as unknown;
    const b = (after[k] ?? null) as unknown;
    if (a !== b) out[k] = [a, b];
  }
  return out;
}

/** What changed, field by field; a sensitive field's values are written as *** (its name only). */
export function diff(fields: Record<string, FieldSpec>, before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const a = before?.[name] ?? null;
    const b = after?.[name] ?? null;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out[name] = spec.sensitive ? [a === null ? null : '***', b === null ? null : '***'] : [a, b];
  }
  return out;
}

export function auditInsert(ctx: AuditContext, action: AuditAction, resource: string, recordId: string | null, changes?: unknown) {
  return ctx.db.insert(auditLog).values({
    id: newId(),
    at: ctx.now.toISOString(),
    actorId: ctx.actorId,
    action,
    resource,
    recordId,
    requestId: ctx.requestId,
    changes: changes === undefined ? null : JSON.stringify(changes),
  });
}

/**
 * An audit row that is written only if the statement just before it in the
 * same batch changed a row (`changes() > 0`): an update or delete that lost a
 * race leaves no audit entry behind.
 */
export function auditIfChanged(ctx: AuditContext, action: AuditAction, resource: string, recordId: string, changes: unknown) {
  return ctx.db.run(sql`insert into audit_log (id, at, actor_id, action, resource, record_id, request_id, changes)
    select ${newId()}, ${ctx.now.toISOString()}, ${ctx.actorId}, ${action}, ${resource}, ${recordId}, ${ctx.requestId}, ${JSON.stringify(changes)}
    where changes() > 0`);
}
