/**
 * Sends randomly malformed bodies to every POST and PATCH route of the
 * OpenAPI document. Each must get a 4xx with the error shape, never a 5xx,
 * and no row may be written anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/node-app.ts';
import { sampleBodies } from '../support/samples.ts';
import { resources } from '../../src/records/resources.ts';

let t: TestApp;
let admin: string;
const ids: Record<string, string> = {};
let routes: { method: string; path: string; props: Record<string, Prop> }[] = [];
const ROUNDS = 40;

let seed = Number(process.env.FUZZ_SEED ?? 20261123);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];

/** A value that is wrong for a property of this JSON type. */
type Prop = { type?: string | string[]; anyOf?: Prop[]; enum?: unknown[] };
const typeOf = (p: Prop): string | undefined => {
  const t = p.type ?? p.anyOf?.map(typeOf).find((x) => x && x !== 'null');
  return Array.isArray(t) ? t.find((x) => x !== 'null') : t;
};

function wrongFor(prop: Prop): unknown {
  const t = typeOf(prop);
  const junk: unknown[] = [{ $ne: 1 }, [1, 2], 'x'.repeat(60_000), -1.5, true, 1e308, { nested: { deep: [null] } }];
  if (prop.enum || prop.anyOf?.some((x) => x.enum)) return pick(['<script>', "'; drop table people; --", 'no-such-value', 7, false]);
  if (t === 'string') return pick([12, true, [], {}, 'x'.repeat(60_000), ...junk.filter((j) => typeof j !== 'string')]);
  if (t === 'number' || t === 'integer') return pick(['12', -1e9, 1.5, true, null, {}, 'NaN']);
  if (t === 'boolean') return pick(['true', 1, 'yes', [], null]);
  if (t === 'array') return pick(['a', 1, [{}], ['not-a-category'], {}]);
  return pick(junk);
}

function malformedBody(props: Record<string, Prop>): string {
  const mode = rand();
  if (mode < 0.15) return pick(['{', '[', 'null', '"text"', '{"a":}', '\u0000\u0001', '{"name": "半截', '123', '[]']);
  const body: Record<string, unknown> = {};
  const keys = Object.keys(props);
  for (const k of keys) if (rand() < 0.5) body[k] = wrongFor(props[k]);
  // Always at least one thing wrong: a wrong-typed known field or an unknown one.
  if (!Object.keys(body).length || rand() < 0.3) {
    if (keys.length && rand() < 0.6) {
      const k = pick(keys);
      body[k] = wrongFor(props[k]);
    } else body[pick(['__proto__x', 'isAdmin', 'tenant', 'deletedAt', 'id'])] = pick([1, 'x', true]);
  }
  return JSON.stringify(body);
}

async function totalRows(): Promise<number> {
  let n = 0;
  for (const tenant of await t.deps.tenants.active()) {
    const db = t.deps.database(tenant);
    const tables = await db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'`);
    for (const { name } of tables) n += Number((await db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`)))[0].n);
  }
  return n;
}

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  const h = await t.request('/v1/binzhou/households', { method: 'POST', token: admin, json: { orgUnitId: 'bincheng', address: '某处' } });
  const samples = sampleBodies({ householdId: ((await h.json()) as { id: string }).id });
  for (const def of resources) ids[def.path] = ((await (await t.request(`/v1/binzhou/${def.path}`, { method: 'POST', token: admin, json: samples[def.path].body })).json()) as { id: string }).id;
  ids.people = ((await (await t.request('/v1/binzhou/me', { token: admin })).json()) as { id: string }).id;
  ids['org-units'] = 'bincheng';
  const spec = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, Prop> } }> } }>> };
  routes = Object.entries(spec.paths).flatMap(([path, item]) =>
    (['post', 'patch'] as const)
      .filter((m) => item[m] && path.startsWith('/v1/{tenant}/'))
      .map((m) => ({ method: m.toUpperCase(), path, props: item[m].requestBody?.content?.['application/json']?.schema?.properties ?? {} })),
  );
});
afterAll(() => t.close());

describe('fuzz: malformed bodies on every POST and PATCH', () => {
  it(`${ROUNDS} malformed bodies per route: always 4xx with the error shape, never 5xx, nothing written`, async () => {
    expect(routes.length).toBeGreaterThan(25);
    const before = await totalRows();
    const seen = new Set<number>();
    for (const route of routes) {
      const url = route.path.replace('{tenant}', 'binzhou').replace('{id}', ids[route.path.split('/')[3]] ?? 'x') + (route.path.endsWith('/import') ? '?resource=events' : '');
      for (let i = 0; i < ROUNDS; i++) {
        const body = malformedBody(route.props);
        const res = await t.request(url, { method: route.method, token: admin, headers: { 'content-type': route.path.endsWith('/import') ? pick(['text/csv', 'application/x-ndjson']) : 'application/json' }, body });
        const text = await res.text();
        const label = `${route.method} ${route.path} ${body.slice(0, 120)}`;
        seen.add(res.status);
        expect(res.status, label).toBeGreaterThanOrEqual(400);
        expect(res.status, label).toBeLessThan(500);
        const parsed = JSON.parse(text) as { error: { code: string; message: string; requestId: string } };
        expect(Object.keys(parsed), label).toEqual(['error']);
        expect(parsed.error.code, label).toMatch(/^[A-Z_]+$/);
        expect(parsed.error.message, label).toBeTruthy();
        expect(text, label).not.toMatch(/\bat\s+\S+\s+\(|node_modules|SQLITE|select\s/i);
      }
    }
    expect(await totalRows()).toBe(before);
    expect(seen.has(400)).toBe(true);
  });
});
