/**
 * The scheduled check and the outbox: evaluate, plan, queue (once per key),
 * deliver (claim, send, mark; failures retried with backoff, never dropped).
 * The Workers cron, the Node scheduler, the API and the CLI all come here.
 */
import { and, count, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { newId } from '../lib/ids.ts';
import type { AppDeps } from '../env.ts';
import type { Db } from '../db/client.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { jobRuns, orgUnits, outbox, people } from '../../db/schema.ts';
import { evaluateTenant, type ComplianceResult } from '../rules/engine.ts';
import { addDays, atLocalHour, localDate } from '../lib/time.ts';
import { digestsWanted, noticeDueWindow, planNotifications, type PlannedEmail } from './notify.ts';
import { isBusyError } from '../db/errors.ts';
import { materialisedWindow, refreshKeeping, storedResults } from '../rules/materialise.ts';
import { errorKind } from '../lib/errors.ts';

export const MAX_ATTEMPTS = 12;
/** Minutes to wait after the nth failed attempt: 1m, 5m, 15m, 1h, 3h, 6h, then 12h. */
export const backoffMinutes = (attempts: number) => [1, 5, 15, 60, 180, 360][attempts - 1] ?? 720;
const STALE_SENDING_MS = 10 * 60 * 1000;
/** A late run catches up at most this far back. */
export const MAX_CATCH_UP_DAYS = 31;

export interface CheckOutcome {
  asOf: string;
  today: string;
  since: string;
  /** What the emails were planned from: the day's full refresh, or an evaluation as of asOf. */
  basis: 'refresh' | 'evaluation';
  planned: number;
  enqueued: number;
  alreadyQueued: number;
  emails: { key: string; kind: string; to: string; subject: string; queued: boolean }[];
  delivery?: DeliveryOutcome;
}

export interface DeliveryOutcome {
  sent: number;
  retrying: number;
  failed: number;
  /** Mail left in the outbox because no SMTP is configured (nothing was attempted). */
  waiting: number;
}

/** The day after which this run must pick up: the last successful daily check before `asOf`, at most a month back. */
async function sinceDate(db: Db, tenant: TenantConfig, asOf: Date, today: string): Promise<string> {
  const [last] = await db
    .select({ slot: jobRuns.scheduledFor })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, 'daily-check'), eq(jobRuns.status, 'succeeded'), lt(jobRuns.scheduledFor, asOf.toISOString())))
    .orderBy(desc(jobRuns.scheduledFor))
    .limit(1);
  const floor = addDays(today, -MAX_CATCH_UP_DAYS);
  const since = last ? localDate(new Date(last.slot), tenant.timeZone) : addDays(today, -1);
  return since < floor ? floor : since >= today ? addDays(today, -1) : since;
}

async function directory(db: Db) {
  const [ps, us] = await Promise.all([
    db.select({ id: people.id, name: people.name, email: people.email, access: people.access, duty: people.duty, orgUnitId: people.orgUnitId }).from(people).where(isNull(people.deletedAt)),
    db.select({ id: orgUnits.id, name: orgUnits.name, parentId: orgUnits.parentId }).from(orgUnits).where(isNull(orgUnits.deletedAt)),
  ]);
  return { people: ps, units: us };
}

async function queuedKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db.select({ key: outbox.key }).from(outbox).where(inArray(outbox.key, keys.slice(i, i + 500)));
    for (const r of rows) found.add(r.key);
  }
  return found;
}

async function enqueue(db: Db, planned: PlannedEmail[], now: Date): Promise<Set<string>> {
  const fresh = new Set<string>();
  const at = now.toISOString();
  for (let i = 0; i < planned.length; i += 100) {
    const chunk = planned.slice(i, i + 100).map((p) => ({
      id: newId(),
      key: p.key,
      kind: p.kind,
      ruleId: p.ruleId,
      subjectType: p.subjectType,
      subjectId: p.subjectId,
      periodKey: p.periodKey,
      due: p.due,
      recipientEmail: p.recipient.email,
      recipientName: p.recipient.name,
      recipientPersonId: p.recipient.personId,
      subject: p.rendered.subject,
      textBody: p.rendered.text,
      htmlBody: p.rendered.html,
      nextAttemptAt: at,
      createdAt: at,
    }));
    const rows = await db.insert(outbox).values(chunk).onConflictDoNothing({ target: outbox.key }).returning({ key: outbox.key });
    for (const r of rows) fresh.add(r.key);
  }
  return fresh;
}

/** The instant a manual check runs as of: now, an instant, or a date meaning 08:00 that day (like the scheduled check). */
export function checkInstant(value: string | undefined, tz: string, now: Date): Date {
  if (!value) return now;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? atLocalHour(value, 8, tz) : new Date(value);
}

/** A manual run is recorded like a scheduled one, so that the next run catches up from here. */
export async function recordManualRun(db: Db, asOf: Date, now: Date, detail: string) {
  const at = now.toISOString();
  await db.insert(jobRuns).values({ id: newId(), job: 'daily-check', scheduledFor: asOf.toISOString(), startedAt: at, finishedAt: at, status: 'succeeded', detail }).onConflictDoNothing();
}

/**
 * The results a check plans from: every period begun by `today` whose span reaches into the past
 * year (the materialised window's start, so that a digest lists what /compliance shows).
 */
const checkWindow = (today: string) => ({ from: materialisedWindow(today).from, to: today });

/**
 * The stored results the day's emails are planned from (after a refresh for `today`): those of
 * the periods begun by today that are still short and fall due where a notice can come from them;
 * every short one when someone gets a digest. planNotifications skips the rest anyway.
 */
async function storedForNotices(db: Db, tenant: TenantConfig, today: string, since: string, digests: boolean): Promise<ComplianceResult[]> {
  const { after, upTo } = noticeDueWindow(tenant, today, since);
  const rows = await db.all<{ body: string }>(sql`select body from compliance_results
    where period_start <= ${today} and status in ('on_track', 'at_risk', 'missed')${digests ? sql`` : sql` and due > ${after} and due <= ${upTo}`}
    order by rule_rank, period_start, subject_type, subject_id`);
  return rows.map(storedResults(tenant));
}

/**
 * Brings the day's materialised results up to date, then plans the emails and (unless a dry run)
 * queues and delivers them. A check for today plans from the day's stored results (as of the end
 * of today, the periods begun by today): the full evaluation's own results when the refresh was
 * one, else the stored rows it needs. In a dry run (which writes nothing) and for another day it
 * evaluates every rule as of `asOf`.
 */
export async function runCheck(deps: AppDeps, tenant: TenantConfig, db: Db, opts: { asOf: Date; dryRun?: boolean }): Promise<CheckOutcome> {
  const today = localDate(opts.asOf, tenant.timeZone);
  const since = await sinceDate(db, tenant, opts.asOf, today);
  const people = await directory(db);
  let results: ComplianceResult[] | undefined;
  if (!opts.dryRun) {
    // The day's materialised results, ready before anyone opens a page (the reads would do it otherwise).
    const refreshed = await refreshKeeping(db, tenant, deps.clock.now()).catch((e) => void deps.log.warn('compliance_refresh_failed', { tenant: tenant.id, kind: errorKind(e) }));
    // Rows another process put there meanwhile may be for another day: then evaluate.
    if (refreshed && refreshed.outcome.day === today && refreshed.outcome.applied) {
      results = refreshed.results ? refreshed.results.filter((r) => r.period.start <= today) : await storedForNotices(db, tenant, today, since, digestsWanted(people));
    }
  }
  const basis: CheckOutcome['basis'] = results ? 'refresh' : 'evaluation';
  results ??= await evaluateTenant(db, tenant, { asOf: opts.asOf, window: checkWindow(today) });
  const planned = planNotifications({ tenant, results, directory: people, today, since, baseUrl: deps.config.publicBaseUrl });
  const base = { asOf: opts.asOf.toISOString(), today, since, basis, planned: planned.length };
  if (opts.dryRun) {
    const queued = await queuedKeys(db, planned.map((p) => p.key));
    return { ...base, enqueued: 0, alreadyQueued: queued.size, emails: planned.map((p) => ({ key: p.key, kind: p.kind, to: p.recipient.email, subject: p.rendered.subject, queued: queued.has(p.key) })) };
  }
  const fresh = await enqueue(db, planned, deps.clock.now());
  deps.log.info('check_enqueued', { tenant: tenant.id, today, since, planned: planned.length, enqueued: fresh.size });
  const delivery = await deliverOutbox(deps, tenant, db);
  return {
    ...base,
    enqueued: fresh.size,
    alreadyQueued: planned.length - fresh.size,
    emails: planned.map((p) => ({ key: p.key, kind: p.kind, to: p.recipient.email, subject: p.rendered.subject, queued: fresh.has(p.key) })),
    delivery,
  };
}

/** Retries a write that a busy database refused (each try already waits DB_BUSY_WAIT_MS on Node). */
async function persistently<T>(write: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await write();
    } catch (e) {
      if (i >= tries || !isBusyError(e)) throw e;
    }
  }
}

/** Sends what is due in the outbox. Each row is claimed first, so concurrent deliveries send it once. */
export async function deliverOutbox(deps: AppDeps, tenant: TenantConfig, db: Db, limit = 50): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const stale = new Date(now.getTime() - STALE_SENDING_MS).toISOString();
  const ready = or(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now.toISOString())), and(eq(outbox.status, 'sending'), lt(outbox.claimedAt, stale)));
  const candidates = await db.select({ id: outbox.id }).from(outbox).where(ready).orderBy(outbox.createdAt).limit(limit);
  const outcome: DeliveryOutcome = { sent: 0, retrying: 0, failed: 0, waiting: 0 };
  if (!candidates.length) return outcome;
  const transport = deps.mail(tenant);
  if (transport.unconfigured) {
    // Nothing could be sent: no row is claimed, no attempt spent; the mail goes out once SMTP is configured.
    const [{ n }] = await db.select({ n: count() }).from(outbox).where(inArray(outbox.status, ['pending', 'sending']));
    deps.log.warn('mail_not_configured', { tenant: tenant.id, waiting: n });
    return { ...outcome, waiting: n };
  }
  try {
    for (const { id } of candidates) {
      const [row] = await db
        .update(outbox)
        .set({ status: 'sending', claimedAt: now.toISOString(), attempts: sql`${outbox.attempts} + 1` })
        .where(and(eq(outbox.id, id), ready))
        .returning();
      if (!row) continue;
      try {
        await transport.send({ to: row.recipientEmail, toName: row.recipientName, subject: row.subject, text: row.textBody, html: row.htmlBody, messageId: `<${row.id}@grassroots.${tenant.id}>` });
        // The email is gone: marking it sent must not give up on a busy database, or it would be sent again.
        await persistently(() => db.update(outbox).set({ status: 'sent', sentAt: deps.clock.now().toISOString(), lastError: null }).where(eq(outbox.id, id)));
        outcome.sent++;
      } catch (e) {
        // Only the error's own words, cut short: never the message body.
        const reason = `${(e as Error)?.name ?? 'Error'}: ${String((e as Error)?.message ?? e).slice(0, 200)}`;
        const exhausted = row.attempts >= MAX_ATTEMPTS;
        await db
          .update(outbox)
          .set({ status: exhausted ? 'failed' : 'pending', lastError: reason, nextAttemptAt: new Date(now.getTime() + backoffMinutes(row.attempts) * 60_000).toISOString() })
          .where(eq(outbox.id, id));
        deps.log[exhausted ? 'error' : 'warn']('mail_failed', { tenant: tenant.id, outbox: id, attempts: row.attempts, transport: transport.describe, exhausted });
        if (exhausted) outcome.failed++;
        else outcome.retrying++;
      }
    }
  } finally {
    await transport.close?.();
  }
  return outcome;
}
