import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, countRows, type TestApp } from '../support/node-app.ts';
import { runScheduled, runJobForTenant } from '../../src/jobs/index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('scheduled jobs: one run per cron slot', () => {
  it('the same slot delivered twice, and twice concurrently, runs once per tenant', async () => {
    const slot = new Date('2026-11-24T00:00:00Z');
    const first = await runScheduled(t.deps, '0 0 * * *', slot);
    expect(first.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const again = await Promise.all([runScheduled(t.deps, '0 0 * * *', slot), runScheduled(t.deps, '0 0 * * *', new Date(slot.getTime() + 30_000))]);
    expect(again.flat().every((r) => r.status === 'skipped')).toBe(true);
    expect(await countRows(t, 'lixia', 'job_runs')).toBe(1);
  });

  it('the next day is a new slot', async () => {
    await runScheduled(t.deps, '0 0 * * *', new Date('2026-11-25T00:00:00Z'));
    expect(await countRows(t, 'harbin', "job_runs where status = 'succeeded'")).toBe(2);
  });

  it('a failed slot is retried by the next delivery; a stale running claim is retaken after 15 minutes', async () => {
    const lixia = t.tenant('lixia');
    const db = t.deps.database(lixia);
    const { sql } = await import('drizzle-orm');
    await db.run(sql`insert into job_runs (id, job, scheduled_for, started_at, status) values ('f1', 'daily-check', '2026-11-26T00:00:00.000Z', '2026-11-23T01:00:00.000Z', 'failed')`);
    await db.run(sql`insert into job_runs (id, job, scheduled_for, started_at, status) values ('r1', 'daily-check', '2026-11-27T00:00:00.000Z', '2026-11-23T01:50:00.000Z', 'running')`);
    expect((await runJobForTenant(t.deps, lixia, 'daily-check', new Date('2026-11-26T00:00:00Z'))).status).toBe('succeeded');
    // The clock says 02:00: a claim taken at 01:50 is only ten minutes old and is left alone.
    expect((await runJobForTenant(t.deps, lixia, 'daily-check', new Date('2026-11-27T00:00:00Z'))).status).toBe('skipped');
    t.setNow('2026-11-23T02:06:00Z');
    expect((await runJobForTenant(t.deps, lixia, 'daily-check', new Date('2026-11-27T00:00:00Z'))).status).toBe('succeeded');
  });

  it('00:01 Beijing time brings every federation\'s stored results to the new day (stepping from the day before, not a full evaluation); a second firing finds them fresh; the daily check then plans from those stored results', async () => {
    const state = async (id: string) => (await t.deps.database(t.tenant(id)).all<{ day: string }>((await import('drizzle-orm')).sql`select day from compliance_state where id = 1`))[0]?.day;
    t.setNow('2026-11-29T16:01:05Z'); // 2026-11-30 00:01:05 in Beijing
    const first = await runScheduled(t.deps, '1 16 * * *', new Date('2026-11-29T16:01:00Z'));
    expect(first.map((r) => [r.status, r.detail?.split(':')[0]])).toEqual(Array(3).fill(['succeeded', 'newDay for 2026-11-30']));
    expect(await Promise.all(['lixia', 'binzhou', 'harbin'].map(state))).toEqual(Array(3).fill('2026-11-30'));
    expect(await countRows(t, 'harbin', 'compliance_results')).toBeGreaterThan(0);
    const again = await runScheduled(t.deps, '1 16 * * *', new Date('2026-11-29T16:01:00Z'));
    expect(again.map((r) => r.detail)).toEqual(Array(3).fill('fresh for 2026-11-30: 0 results'));
    t.setNow('2026-11-30T00:00:20Z');
    const check = await runJobForTenant(t.deps, t.tenant('harbin'), 'daily-check', new Date('2026-11-30T00:00:00Z'));
    expect(check.status).toBe('succeeded');
    expect(check.detail).toMatch(/^since [\d-]+, from the refresh: planned \d+/);
    t.setNow('2026-11-23T02:06:00Z');
  });

  it('an unknown cron expression runs nothing', async () => {
    expect(await runScheduled(t.deps, '*/5 * * * *', new Date())).toEqual([]);
  });
});

describe('the Node scheduler runs the same cron table', () => {
  it('one Cron per entry of the table, in UTC: the daily check next fires at 00:00 UTC (08:00 Beijing)', async () => {
    const { startCrons } = await import('../../src/node.ts');
    const crons = startCrons(t.deps);
    try {
      expect(crons.map((c) => c.getPattern())).toEqual(['0 0 * * *', '*/10 * * * *', '1 16 * * *']);
      const next = crons[0].nextRun(new Date('2026-11-23T10:00:00Z'))!;
      expect(next.toISOString()).toBe('2026-11-24T00:00:00.000Z');
      // Firing it by hand runs the daily check through runScheduled, recorded once per slot.
      const before = await countRows(t, 'binzhou', "job_runs where job = 'daily-check'");
      await crons[0].trigger();
      expect(await countRows(t, 'binzhou', "job_runs where job = 'daily-check'")).toBe(before + 1);
    } finally {
      crons.forEach((c) => c.stop());
    }
  });
});
