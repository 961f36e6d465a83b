import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { LOGIN_LIMITS } from '../../src/lib/rate-limit.ts';

const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');

describe('wrangler.toml', () => {
  it('the [[ratelimits]] bindings allow what LOGIN_LIMITS says (per address and per account, a minute), as Node does', () => {
    const limits = [...toml.matchAll(/\[\[ratelimits\]\]\s*name = "(\w+)"[\s\S]*?simple = \{ limit = (\d+), period = (\d+) \}/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(limits).toEqual([
      ['LOGIN_BY_ADDRESS', LOGIN_LIMITS.perAddress, LOGIN_LIMITS.periodSeconds],
      ['LOGIN_BY_ACCOUNT', LOGIN_LIMITS.perAccount, LOGIN_LIMITS.periodSeconds],
    ]);
  });

  it('the cron fan-out queue is produced and consumed by this Worker, with a dead-letter queue that is consumed too', () => {
    expect(toml).toMatch(/\[\[queues\.producers\]\]\s*binding = "TENANT_JOBS"\s*queue = "grassroots-tenant-jobs"/);
    expect(toml).toMatch(/\[\[queues\.consumers\]\]\s*queue = "grassroots-tenant-jobs"[\s\S]*?dead_letter_queue = "grassroots-tenant-jobs-dlq"/);
    expect(toml).toMatch(/\[\[queues\.consumers\]\]\s*queue = "grassroots-tenant-jobs-dlq"/);
  });
});
