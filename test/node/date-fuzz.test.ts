/**
 * A fuzz of dates across every date and instant field of every record
 * resource, and every date in a query: random valid and impossible calendar
 * days, leap days, years at and past the bounds, hours and zones that do not
 * exist. Nothing answers 5xx, an impossible date is a 400 naming its field,
 * and afterwards no impossible date is stored in any table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTableName, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/node-app.ts';
import { sampleBodies } from '../support/samples.ts';
import { resources } from '../../src/records/resources.ts';
import { isCalendarDate, isInstant, MAX_DATE, MIN_DATE } from '../../src/lib/dates.ts';

const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 25);
let seed = Number(process.env.FUZZ_SEED ?? 20261124);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function randomDate(): string {
  const y = pick([0, 1949, 1950, 1999, 2000, 2012, 2013, 2016, 2017, 2024, 2025, 2100, 2101, 9999]);
  const m = pick([0, 1, 2, 2, 2, 4, 6, 9, 11, 12, 13]);
  const d = pick([0, 1, 15, 28, 29, 29, 30, 31, 32]);
  return rand() < 0.1 ? `${y}-${m}-${d}` : `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}
function randomInstant(): string {
  const time = `${pad(pick([0, 8, 15, 23, 24]))}:${pad(pick([0, 30, 59, 60]))}:${pad(pick([0, 59, 60]))}`;
  return `${randomDate()}T${time}${pick(['Z', '+08:00', '-12:00', '+14:00', '+05:45', '+24:00', '', '+0800'])}`;
}
const inRange = (day: string) => day >= MIN_DATE && day <= MAX_DATE;
const validDate = (s: string) => isCalendarDate(s) && inRange(s);
const validInstant = (s: string) => isInstant(s) && inRange(new Date(s).toISOString().slice(0, 10));

let t: TestApp;
let admin: string;
let samples: ReturnType<typeof sampleBodies>;
beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  const h = await t.request('/v1/binzhou/households', { method: 'POST', token: admin, json: { orgUnitId: 'bincheng', address: '某路1号', categories: ['left_behind'] } });
  samples = sampleBodies({ householdId: ((await h.json()) as { id: string }).id });
});
afterAll(() => t.close());

type Err = { error: { fields?: { path: string }[] } };

describe('date fuzz', () => {
  it(`${ROUNDS} random dates per date field of every resource: impossible ones are a 400 naming the field, none is stored`, async () => {
    let accepted = 0;
    for (const def of resources) {
      for (const [name, spec] of Object.entries(def.fields)) {
        if (spec.kind !== 'date' && spec.kind !== 'instant') continue;
        for (let i = 0; i < ROUNDS; i++) {
          const value = spec.kind === 'date' ? randomDate() : randomInstant();
          const valid = spec.kind === 'date' ? validDate(value) : validInstant(value);
          const res = await t.request(`/v1/binzhou/${def.path}`, { method: 'POST', token: admin, json: { ...samples[def.path].body, [name]: value } });
          expect(res.status, `${def.path}.${name}=${value}`).toBeLessThan(500);
          if (!valid) {
            expect(res.status, `${def.path}.${name}=${value}`).toBe(400);
            expect(((await res.json()) as Err).error.fields?.map((f) => f.path), `${def.path}.${name}=${value}`).toContain(name);
          } else if (res.status === 201) accepted++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
    const db = t.deps.database(t.tenant('binzhou'));
    for (const def of resources) {
      for (const [name, spec] of Object.entries(def.fields)) {
        if (spec.kind !== 'date' && spec.kind !== 'instant') continue;
        const column = (def.table as unknown as Record<string, { name: string }>)[name].name;
        const rows = await db.all<{ v: string }>(sql.raw(`select ${column} as v from ${getTableName(def.table)} where ${column} is not null`));
        for (const { v } of rows) expect(spec.kind === 'date' ? validDate(v) : validInstant(v), `${def.path}.${name} stored ${v}`).toBe(true);
      }
    }
  });

  it('random dates in queries (from, to, asOf) never answer 5xx; impossible ones are a 400', async () => {
    for (let i = 0; i < ROUNDS * 4; i++) {
      const [date, instant] = [randomDate(), randomInstant()];
      const queries: [string, boolean][] = [
        [`/diary-entries?from=${encodeURIComponent(date)}`, validDate(date)],
        [`/submissions?to=${encodeURIComponent(date)}`, validDate(date)],
        [`/compliance?limit=1&asOf=${encodeURIComponent(date)}`, validDate(date)],
        [`/compliance?limit=1&asOf=${encodeURIComponent(instant)}`, validInstant(instant)],
      ];
      for (const [path, valid] of queries) {
        const res = await t.request(`/v1/binzhou${path}`, { token: admin });
        expect(res.status, path).toBe(valid ? 200 : 400);
      }
    }
  });
});
