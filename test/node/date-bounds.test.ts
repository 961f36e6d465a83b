/**
 * Dates at and beyond the edges: every date in a query or body must be a real
 * calendar day between 1950-01-01 and 2100-12-31 (a Chinese 400 otherwise,
 * never a 500), and /deadlines evaluates at most a year per request, in pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, type TestApp } from '../support/node-app.ts';

let t: TestApp;
let tokens: Record<string, string>;
let member: string;
beforeAll(async () => {
  t = await makeTestApp();
  tokens = { lixia: await t.adminToken('lixia'), harbin: await t.adminToken('harbin'), binzhou: await t.adminToken('binzhou') };
  member = (await addUser(t, 'harbin', { name: '成员', email: 'member@hrb.cn', password: 'member-pass-1', orgUnitId: 'daoli' })).token;
});
afterAll(() => t.close());

type Err = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
const get = (tenant: string, path: string, token = tokens[tenant]) => t.request(`/v1/${tenant}${path}`, { token });

async function expect400(res: Response, field: string, message: RegExp) {
  const body = (await res.json()) as Err;
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(body.error.code).toBe('VALIDATION_FAILED');
  expect(body.error.fields?.find((f) => f.path.endsWith(field))?.message).toMatch(message);
}

describe('dates outside 1950-01-01 … 2100-12-31 are a 400, not a 500', () => {
  it.each([
    ['lixia', '/deadlines?from=2000-01-01&to=2999-12-31', 'to'],
    ['harbin', '/deadlines?from=0001-01-01&to=9999-12-31', 'from'],
    ['lixia', '/compliance?asOf=9999-12-31', 'asOf'],
    ['lixia', '/compliance?asOf=%2B275760-09-13T00:00:00Z', 'asOf'],
    ['lixia', '/compliance?asOf=-271821-04-20T00:00:00Z', 'asOf'],
    ['lixia', '/compliance?asOf=2101-01-01', 'asOf'],
    ['binzhou', '/submissions?to=9999-12-31', 'to'],
    ['binzhou', '/audit?from=1949-12-31', 'from'],
  ])('%s%s answers 400 naming %s', async (tenant, path, field) => {
    await expect400(await get(tenant, path), field, /日期|时间/);
  });

  it('impossible calendar days are refused in queries, bodies and the check: 2026-02-31, 2025-02-29, 2026-04-31, 2026-13-45', async () => {
    await expect400(await get('lixia', '/compliance?asOf=2026-13-45'), 'asOf', /日期/);
    await expect400(await get('lixia', '/compliance?asOf=2026-02-30'), 'asOf', /日期/);
    await expect400(await get('lixia', '/compliance?asOf=2026-02-30T08:00:00Z'), 'asOf', /日期|时间/);
    for (const entryDate of ['2026-02-31', '2025-02-29', '2026-04-31']) {
      await expect400(await t.request('/v1/binzhou/diary-entries', { method: 'POST', token: tokens.binzhou, json: { entryDate, content: '日期' } }), 'entryDate', /不是有效的日期/);
    }
    await expect400(await t.request('/v1/binzhou/checks/run', { method: 'POST', token: tokens.binzhou, json: { asOf: '9999-12-31', dryRun: true } }), 'asOf', /日期/);
    await expect400(await t.request('/v1/binzhou/checks/run', { method: 'POST', token: tokens.binzhou, json: { asOf: '2026-02-30', dryRun: true } }), 'asOf', /日期/);
  });

  it('the edges themselves are accepted: 1950-01-01, 2100-12-31 and 2024-02-29 (a leap day)', async () => {
    expect((await get('lixia', '/compliance?asOf=2100-12-31&limit=1')).status).toBe(200);
    expect((await get('lixia', '/compliance?asOf=1950-01-01&limit=1')).status).toBe(200);
    expect((await get('lixia', '/deadlines?from=2100-01-01&to=2100-12-31')).status).toBe(200);
    expect((await t.request('/v1/binzhou/checks/run', { method: 'POST', token: tokens.binzhou, json: { asOf: '2100-12-31', dryRun: true } })).status).toBe(200);
    const leap = await t.request('/v1/binzhou/diary-entries', { method: 'POST', token: tokens.binzhou, json: { entryDate: '2024-02-29', content: '闰日' } });
    expect(leap.status).toBe(201);
  });
});

describe('/deadlines windows and pages', () => {
  it('a window of 366 days is answered; 367 days or to before from is a 400 on to', async () => {
    expect((await get('harbin', '/deadlines?from=2012-01-01&to=2012-12-31')).status).toBe(200);
    await expect400(await get('harbin', '/deadlines?from=2012-01-01&to=2013-01-01'), 'to', /最长 366 天/);
    await expect400(await get('harbin', '/deadlines?from=2012-01-01&to=2099-12-31', member), 'to', /最长 366 天/);
    await expect400(await get('harbin', '/deadlines?from=2012-03-01&to=2012-02-01'), 'to', /不能早于/);
  });

  it('results come in pages of limit, and following nextCursor yields every item once', async () => {
    const all = (await (await get('binzhou', '/deadlines?from=2012-01-01&to=2012-12-31&limit=1000')).json()) as { items: { ruleId: string; subject: { id: string }; period: { key: string } }[]; nextCursor: string | null };
    expect(all.items.length).toBeGreaterThan(5);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (await get('binzhou', `/deadlines?from=2012-01-01&to=2012-12-31&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json()) as typeof all;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => `${r.ruleId}/${r.subject.id}/${r.period.key}`));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.items.map((r) => `${r.ruleId}/${r.subject.id}/${r.period.key}`));
  });
});
