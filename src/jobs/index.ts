/**
 * The cron table and the jobs it names. Workers' `scheduled` handler and the
 * Node scheduler both call runScheduled, so there is one piece of job code.
 * Crons are in UTC: `0 0 * * *` is 08:00 Beijing time, `1 16 * * *` 00:01.
 */
import { and, eq, or, sql } from 'drizzle-orm';
import { newId } from '../lib/ids.ts';
import type { AppDeps } from '../env.ts';
import type { Db } from '../db/client.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { jobRuns } from '../../db/schema.ts';
import { deliverOutbox, runCheck } from './checks.ts';
import { refreshCompliance } from '../rules/materialise.ts';
import { errorKind } from '../lib/errors.ts';

export type JobName = 'daily-check' | 'deliver-outbox' | 'refresh-results';

/** Keep in step with `[triggers] crons` in wrangler.toml (a test compares them). */
export const cronTable: Record<string, JobName> = {
  '0 0 * * *': 'daily-check',
  '*/10 * * * *': 'deliver-outbox',
  '1 16 * * *': 'refresh-results',
};

export interface JobContext {
  deps: AppDeps;
  tenant: TenantConfig;
  db: Db;
  /** The cron slot being served, not the wall clock: a late run still knows which day it is for. */
  scheduledFor: Date;
}

const STALE_MS = 15 * 60 * 1000;

type Job = (ctx: JobContext) => Promise<string | void>;

/** 08:00 Beijing time: evaluate as of the slot, queue reminders, notices, escalations and digests, deliver. */
const dailyCheck: Job = async ({ deps, tenant, db, scheduledFor }) => {
  const out = await runCheck(deps, tenant, db, { asOf: scheduledFor });
  return `since ${out.since}, from the ${out.basis}: planned ${out.planned}, queued ${out.enqueued}, sent ${out.delivery?.sent ?? 0}, retrying ${out.delivery?.retrying ?? 0}, waiting for SMTP ${out.delivery?.waiting ?? 0}`;
};

/** Every 10 minutes: retry what is due in the outbox. Claims make it safe to run concurrently, so no run ledger. */
const deliver: Job = async ({ deps, tenant, db }) => {
  const d = await deliverOutbox(deps, tenant, db);
  return `sent ${d.sent}, retrying ${d.retrying}, failed ${d.failed}`;
};

/**
 * 00:01 Beijing time: the new day's materialised results, so that nobody's first page of the day
 * waits for a full evaluation. A refresh that finds them fresh does nothing, so no run ledger.
 */
const refreshResults: Job = async ({ deps, tenant, db }) => {
  const out = await refreshCompliance(db, tenant, deps.clock.now());
  return `${out.mode} for ${out.day}: ${out.rows} results`;
};

const jobs: Record<JobName, { run: Job; ledger: boolean }> = {
  'daily-check': { run: dailyCheck, ledger: true },
  'deliver-outbox': { run: deliver, ledger: false },
  'refresh-results': { run: refreshResults, ledger: false },
};

export type RunOutcome = { tenant: string; job: JobName; status: 'succeeded' | 'failed' | 'skipped'; detail?: string };

/**
 * Runs one job for one tenant at most once per cron slot: the slot is claimed
 * by a unique (job, scheduled_for) row, so a twice-delivered cron event finds
 * the claim and does nothing. A failed run may be retried by the next delivery.
 */
export async function runJobForTenant(deps: AppDeps, tenant: TenantConfig, job: JobName, scheduledFor: Date): Promise<RunOutcome> {
  const db = deps.database(tenant);
  if (!jobs[job].ledger) {
    const detail = (await jobs[job].run({ deps, tenant, db, scheduledFor })) ?? undefined;
    return { tenant: tenant.id, job, status: 'succeeded', detail };
  }
  const slot = scheduledFor.toISOString();
  const now = () => deps.clock.now().toISOString();
  const claimed = await db
    .insert(jobRuns)
    .values({ id: newId(), job, scheduledFor: slot, startedAt: now(), status: 'running' })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.scheduledFor],
      set: { status: 'running', startedAt: now(), finishedAt: null, detail: null },
      // Retake a failed slot, or one whose runner died (still 'running' after 15 minutes).
      setWhere: or(eq(jobRuns.status, 'failed'), and(eq(jobRuns.status, 'running'), sql`${jobRuns.startedAt} < ${new Date(deps.clock.now().getTime() - STALE_MS).toISOString()}`)),
    })
    .returning({ id: jobRuns.id });
  if (!claimed.length) return { tenant: tenant.id, job, status: 'skipped' };
  const where = and(eq(jobRuns.job, job), eq(jobRuns.scheduledFor, slot));
  try {
    const detail = (await jobs[job].run({ deps, tenant, db, scheduledFor })) ?? null;
    await db.update(jobRuns).set({ status: 'succeeded', finishedAt: now(), detail }).where(where);
    deps.log.info('job_succeeded', { tenant: tenant.id, job, slot });
    return { tenant: tenant.id, job, status: 'succeeded', detail: detail ?? undefined };
  } catch (e) {
    const detail = (e as Error)?.name ?? 'Error';
    await db.update(jobRuns).set({ status: 'failed', finishedAt: now(), detail }).where(where);
    deps.log.error('job_failed', { tenant: tenant.id, job, slot, kind: detail });
    return { tenant: tenant.id, job, status: 'failed', detail };
  }
}

/** One tenant's share of one cron event: what the Workers queue carries (and Node runs in-process). */
export interface TenantJobMessage {
  tenant: string;
  job: JobName;
  /** The cron slot, to the minute (ISO). */
  slot: string;
}

/** A cron event fanned out: one message per active tenant, the slot identified by its minute however late it fired. */
export async function tenantJobMessages(deps: AppDeps, cron: string, scheduledTime: Date): Promise<TenantJobMessage[]> {
  const job = cronTable[cron];
  if (!job) {
    deps.log.warn('unknown_cron', { cron });
    return [];
  }
  const slot = new Date(Math.floor(scheduledTime.getTime() / 60_000) * 60_000).toISOString();
  return (await deps.tenants.active()).map((t) => ({ tenant: t.id, job, slot }));
}

/**
 * Runs one tenant's job for one message. A tenant suspended (or removed) since the message was sent
 * is skipped; an unreachable database is a failure, which the queue retries for that tenant alone.
 */
export async function runTenantJob(deps: AppDeps, msg: TenantJobMessage): Promise<RunOutcome> {
  const registered = await deps.tenants.get(msg.tenant);
  if (!registered || registered.status !== 'active' || !jobs[msg.job]) return { tenant: msg.tenant, job: msg.job, status: 'skipped', detail: 'not active' };
  try {
    return await runJobForTenant(deps, registered.config, msg.job, new Date(msg.slot));
  } catch (e) {
    deps.log.error('job_unreachable', { tenant: msg.tenant, job: msg.job, kind: errorKind(e) });
    return { tenant: msg.tenant, job: msg.job, status: 'failed', detail: 'database unreachable' };
  }
}

/** How many tenants Node checks at once: a slow or failing tenant holds up at most its own lane. */
const IN_PROCESS_LANES = 4;

/**
 * One cron event run in-process (Node, and Workers without the queue binding): the same messages as
 * the Workers queue, each tenant in its own task, so one tenant's failure or slowness does not stop the others.
 */
export async function runScheduled(deps: AppDeps, cron: string, scheduledTime: Date): Promise<RunOutcome[]> {
  const messages = await tenantJobMessages(deps, cron, scheduledTime);
  const out: RunOutcome[] = new Array(messages.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < messages.length; i = next++) out[i] = await runTenantJob(deps, messages[i]);
  };
  await Promise.all(Array.from({ length: Math.min(IN_PROCESS_LANES, messages.length) }, lane));
  return out;
}
