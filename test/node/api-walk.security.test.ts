/**
 * Walks every route of the OpenAPI document: with another tenant's token
 * (nothing comes back), and with a member's token against another member's
 * records (nothing comes back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, type TestApp } from '../support/node-app.ts';
import { sampleBodies } from '../support/samples.ts';
import { resources } from '../../src/records/resources.ts';

let t: TestApp;
let admin: string;
let a: { id: string; token: string };
let b: { id: string; token: string };
const bRecords: Record<string, string> = {};
let ops: { method: string; path: string }[] = [];

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  a = await addUser(t, 'binzhou', { name: '干部甲', email: 'a@bz.cn', password: 'pass-a-123', duty: 'office_cadre', orgUnitId: 'bincheng' });
  b = await addUser(t, 'binzhou', { name: '干部乙', email: 'b@bz.cn', password: 'pass-b-123', duty: 'office_cadre', orgUnitId: 'huimin' });
  const h = await t.request('/v1/binzhou/households', { method: 'POST', token: admin, json: { orgUnitId: 'huimin', address: '惠民县某处' } });
  const samples = sampleBodies({ householdId: ((await h.json()) as { id: string }).id });
  // One record of every kind that belongs to member B (created by an admin, about B, in B's county).
  for (const def of resources) {
    const body = { ...samples[def.path].body, ...(def.fields.personId ? { personId: b.id } : {}), ...(def.fields.orgUnitId && !def.fields.orgUnitId.readOnly ? { orgUnitId: 'huimin' } : {}) };
    const res = await t.request(`/v1/binzhou/${def.path}`, { method: 'POST', token: admin, json: body });
    expect(res.status, def.path).toBe(201);
    bRecords[def.path] = ((await res.json()) as { id: string }).id;
  }
  const spec = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  ops = Object.entries(spec.paths)
    .filter(([p]) => p.startsWith('/v1/{tenant}/') && !p.startsWith('/v1/{tenant}/auth/login'))
    .flatMap(([path, item]) => Object.keys(item).filter((m) => ['get', 'post', 'patch', 'delete', 'put'].includes(m)).map((method) => ({ method: method.toUpperCase(), path })));
});
afterAll(() => t.close());

const idFor = (path: string) => {
  const seg = path.split('/')[3];
  if (seg === 'people' || path.includes('/compliance/people/')) return b.id;
  if (seg === 'org-units' || path.includes('/compliance/org-units/')) return 'huimin';
  return bRecords[seg] ?? 'x';
};
const fill = (path: string) => path.replace('{tenant}', 'binzhou').replace('{id}', idFor(path));
const query = (path: string) => (path.endsWith('/deadlines') ? '?from=2012-01-01&to=2012-12-31' : path.endsWith('/import') ? '?resource=events' : '');

describe('every route in the OpenAPI document', () => {
  it('covers the record resources, compliance, people, org units, audit and import', () => {
    const paths = new Set(ops.map((o) => o.path));
    for (const def of resources) {
      expect(paths.has(`/v1/{tenant}/${def.path}`), def.path).toBe(true);
      expect(paths.has(`/v1/{tenant}/${def.path}/{id}`), def.path).toBe(true);
    }
    expect(ops.length).toBeGreaterThan(70);
  });

  it("with another tenant's token: every route is 403 and returns nothing but the error", async () => {
    const lixia = await t.adminToken('lixia');
    for (const op of ops) {
      const res = await t.request(fill(op.path) + query(op.path), { method: op.method, token: lixia, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { json: {} }) });
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
      expect(Object.keys(body), `${op.method} ${op.path}`).toEqual(['error']);
    }
  });

  it("with a member's token against another member's records: no route returns them", async () => {
    const bIds = new Set([b.id, ...Object.values(bRecords)]);
    for (const op of ops) {
      const label = `${op.method} ${op.path}`;
      const hasId = op.path.includes('{id}');
      if (op.path.startsWith('/v1/{tenant}/org-units') || op.path === '/v1/{tenant}/rules') continue; // the tree and the rules are not anyone's records
      if (!hasId && op.method !== 'GET') continue; // creating one's own records is allowed
      const res = await t.request(fill(op.path) + query(op.path), { method: op.method, token: a.token, ...(op.method === 'PATCH' ? { json: {} } : {}) });
      const text = await res.text();
      if (hasId) {
        expect([403, 404], label).toContain(res.status);
        expect(Object.keys(JSON.parse(text)), label).toEqual(['error']);
      } else if (res.status === 200) {
        for (const id of bIds) expect(text.includes(id), `${label} leaks ${id}`).toBe(false);
      } else {
        expect([403], label).toContain(res.status);
      }
    }
  });
});
