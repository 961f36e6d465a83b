import { env, createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { createClient } from '@libsql/client/web';
import { eventually } from '../support/eventually.ts';
import { describe, expect, inject, it } from 'vitest';
import worker, { type Env } from '../../src/worker.ts';
import { availableMigrations } from '../../src/db/migrate.ts';
import { workerSuite } from './suite.ts';
// What scripts/build-openapi.ts wrote (npm test runs it first), read here as the bundler reads JSON.
import builtDocument from '../../public/assets/openapi.json';

const dbs = inject('tenantDatabases');
const smtp = inject('smtp');
// The Worker's bindings as vitest.config.ts gives them (the registry, the group token, SMTP…): the queue consumer gets the same.
const workerEnv = env as unknown as Env;

async function call(path: string, init: RequestInit = {}, useEnv: Env = workerEnv) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://grassroots.test${path}`, init) as Request<unknown, IncomingRequestCfProperties>, useEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
  body: JSON.stringify(body),
});
const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

/** Delivers one cron event `times` times, as Cloudflare may: each puts one message per active tenant on the queue. */
async function fire(cron: string, scheduledTime: number, times: number) {
  for (let i = 0; i < times; i++) {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron, scheduledTime }), workerEnv, ctx);
    await waitOnExecutionContext(ctx);
  }
}

const dailyRuns = async (id: string) => {
  const client = createClient({ url: dbs[id].url, authToken: dbs[id].authToken });
  try {
    return (await client.execute("select status, scheduled_for from job_runs where job = 'daily-check' order by scheduled_for")).rows.map((r) => ({ status: r.status, slot: r.scheduled_for }));
  } finally {
    client.close();
  }
};

async function login(tenant: string) {
  const res = await call(`/v1/${tenant}/auth/login`, json({ email: dbs[tenant].adminEmail, password: dbs[tenant].adminPassword }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('worker: configuration', () => {
  it('without PUBLIC_BASE_URL every request is 503 MISCONFIGURED in the JSON error shape, naming the variable, with no stack trace', async () => {
    const { PUBLIC_BASE_URL: _unset, ...rest } = workerEnv;
    for (const path of ['/health', '/lixia/login', '/v1/lixia/me']) {
      const res = await call(path, {}, rest as Env);
      expect(res.status, path).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error.code).toBe('MISCONFIGURED');
      expect(body.error.message).toContain('PUBLIC_BASE_URL');
      expect(body.error.message).not.toMatch(/at .+\.ts|Error:/);
    }
    // With it set, the same worker serves.
    expect((await call('/health')).status).toBe(200);
  });

  it('without REGISTRY_URL (where the federations are registered) every request is 503 MISCONFIGURED naming it', async () => {
    const { REGISTRY_URL: _unset, ...rest } = workerEnv;
    const res = await call('/v1/lixia/me', {}, rest as Env);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code, body.error.message.includes('REGISTRY_URL')]).toEqual([503, 'MISCONFIGURED', true]);
  });

  it.each(['wss://registry.example.turso.io', 'file:data/registry.db'])('a REGISTRY_URL at %s (the Worker speaks libSQL over HTTP only) is 503 MISCONFIGURED naming it', async (url) => {
    const res = await call('/v1/lixia/me', {}, { ...workerEnv, REGISTRY_URL: url });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code, body.error.message.includes('REGISTRY_URL')]).toEqual([503, 'MISCONFIGURED', true]);
  });

  it("a tenant database at a file: URL (which a Worker cannot open) is 503 MISCONFIGURED naming LIBSQL_URL_<TENANT>, not a 500", async () => {
    const res = await call('/v1/lixia/auth/login', json({ email: 'a@b.cn', password: 'whatever-1' }), { ...workerEnv, LIBSQL_URL_LIXIA: 'file:data/lixia.db' });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([body.error.code, body.error.message.includes('LIBSQL_URL_LIXIA')]).toEqual(['MISCONFIGURED', true]);
  });
});

describe('worker: OpenAPI built at build time, validation at run time', () => {
  it("/openapi.json is the build's document (public/assets/openapi.json, read through ASSETS) with this deployment's URL as its server", async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const { servers, ...spec } = (await res.json()) as { servers: unknown; paths: Record<string, unknown> };
    expect(servers).toEqual([{ url: 'https://grassroots.test', description: expect.any(String) }]);
    expect(spec).toEqual(builtDocument);
    expect(Object.keys(spec.paths)).toContain('/v1/{tenant}/compliance/heatmap');
  });

  it('without the ASSETS binding /openapi.json is 500 INTERNAL in the JSON error shape, and the API still serves', async () => {
    const { ASSETS: _unbound, ...rest } = workerEnv;
    const res = await call('/openapi.json', {}, rest as Env);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code]).toEqual([500, 'INTERNAL']);
    expect((await call('/health', {}, rest as Env)).status).toBe(200);
  });

  it('a body and a query that fail validation are 400 VALIDATION_FAILED naming each field in Chinese, and nothing is written', async () => {
    const token = await login('binzhou');
    const count = async () => ((await (await call('/v1/binzhou/people?limit=200', bearer(token))).json()) as { items: unknown[] }).items.length;
    const before = await count();
    const res = await call('/v1/binzhou/people', json({ name: '', duty: 'no_such_duty', orgUnitId: 'bincheng' }, token));
    const body = (await res.json()) as { error: { code: string; fields: { path: string; message: string }[] } };
    expect([res.status, body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(body.error.fields.map((f) => f.path).sort()).toEqual(['duty', 'name']);
    for (const f of body.error.fields) expect(f.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await count()).toBe(before);
    const query = (await (await call('/v1/binzhou/people?limit=abc', bearer(token))).json()) as { error: { code: string; fields: { path: string }[] } };
    expect([query.error.code, query.error.fields[0].path]).toEqual(['VALIDATION_FAILED', 'query.limit']);
  });
});

describe('worker: the workbench inside workerd', () => {
  it('a form login sets the HttpOnly Secure session cookie; 我的任务 then renders over the HTTP database, in Chinese', async () => {
    const form = new URLSearchParams({ email: dbs.lixia.adminEmail, password: dbs.lixia.adminPassword });
    const res = await call('/lixia/login', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://grassroots.test' }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/lixia/tasks');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^gr_session=[^;]+; Max-Age=\d+; Path=\/lixia; HttpOnly; Secure; SameSite=Lax/);
    const tasks = await call('/lixia/tasks', { headers: { cookie: cookie.split(';')[0] } });
    expect(tasks.status).toBe(200);
    const page = await tasks.text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<h1>我的任务</h1>');
  });

  it('a form post from another origin is refused with 403 and no session', async () => {
    const form = new URLSearchParams({ email: dbs.lixia.adminEmail, password: dbs.lixia.adminPassword });
    const res = await call('/lixia/login', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, redirect: 'manual' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('worker: routing and auth inside workerd', () => {
  it('serves /health and the tenant list without a token', async () => {
    expect((await call('/health')).status).toBe(200);
    const body = (await (await call('/v1/tenants')).json()) as { items: { id: string }[] };
    expect(body.items.map((t) => t.id).sort()).toEqual(['binzhou', 'broken', 'harbin', 'lixia']);
  });

  it('an unknown tenant is 404 TENANT_NOT_FOUND', async () => {
    const res = await call('/v1/atlantis/people');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TENANT_NOT_FOUND');
  });

  it('logs in with PBKDF2 inside workerd and reads /me over libSQL HTTP', async () => {
    const token = await login('lixia');
    const res = await call('/v1/lixia/me', bearer(token));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { email: string }).email).toBe(dbs.lixia.adminEmail);
  });

  it('rejects: no token 401, bad token 401, lixia token on binzhou 403', async () => {
    expect((await call('/v1/lixia/people')).status).toBe(401);
    expect((await call('/v1/lixia/people', bearer('not.a.jwt'))).status).toBe(401);
    const token = await login('lixia');
    const res = await call('/v1/binzhou/people', bearer(token));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TENANT_MISMATCH');
  });

  it('an authenticated write lands in the tenant database and reads back', async () => {
    const token = await login('binzhou');
    const created = await call('/v1/binzhou/people', json({ name: '孙丽', duty: 'office_cadre', orgUnitId: 'bincheng' }, token));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await call(`/v1/binzhou/people/${id}`, bearer(token));
    expect(read.status).toBe(200);
    expect(((await read.json()) as { name: string }).name).toBe('孙丽');
    // The row is in binzhou's database, read here over the same HTTP protocol, and not in lixia's.
    const binzhou = createClient({ url: dbs.binzhou.url, authToken: dbs.binzhou.authToken });
    const lixia = createClient({ url: dbs.lixia.url, authToken: dbs.lixia.authToken });
    expect((await binzhou.execute({ sql: 'select name from people where id = ?', args: [id] })).rows[0]?.name).toBe('孙丽');
    expect((await lixia.execute({ sql: 'select count(*) as n from people where id = ?', args: [id] })).rows[0]?.n).toBe(0);
    binzhou.close();
    lixia.close();
  });

  it('round trips to the database per authenticated request, counted at the libSQL server: a list read 2, a compliance read 2 (the token\'s session and one batch), one person\'s or unit\'s compliance 2', async () => {
    const token = await login('harbin');
    const served = async () => ((await (await fetch(inject('databaseRequestsUrl'))).json()) as Record<string, number>).harbin;
    const roundTrips = async (path: string) => {
      expect((await call(path, bearer(token))).status, path).toBe(200); // warm: the registry cache, and the day's results
      const before = await served();
      const res = await call(path, bearer(token));
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
      return (await served()) - before;
    };
    expect(await roundTrips('/v1/harbin/household-visits?limit=20')).toBe(2);
    expect(await roundTrips('/v1/harbin/compliance?limit=20')).toBe(2);
    const me = ((await (await call('/v1/harbin/me', bearer(token))).json()) as { id: string }).id;
    expect(await roundTrips(`/v1/harbin/compliance/people/${me}`)).toBe(2); // the person, in scope, is read in the same batch
    expect(await roundTrips('/v1/harbin/compliance/org-units/harbin')).toBe(2); // and so is the unit
  });

  it('a tenant whose database server fails answers 503 in the JSON error shape, not a stack trace; the others are unaffected', async () => {
    const res = await call('/v1/broken/auth/login', json({ email: 'a@b.cn', password: 'whatever-1' }));
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).not.toMatch(/at .+\.ts|Error:/);
    expect((await call('/v1/lixia/auth/login', json({ email: dbs.lixia.adminEmail, password: dbs.lixia.adminPassword }))).status).toBe(200);
  });
});

describe('worker: login attempt limits with the Rate Limiting bindings', () => {
  it('the 11th login attempt on one account within a minute is 429 with Retry-After, whatever the address; another account is not affected', async () => {
    const attempt = (email: string, i: number) => call('/v1/harbin/auth/login', { ...json({ email, password: 'wrong-pass-1' }), headers: { 'content-type': 'application/json', 'cf-connecting-ip': `198.51.100.${i}` } });
    for (let i = 0; i < 10; i++) expect((await attempt('limit-test@harbin.cn', i)).status).toBe(401);
    const res = await attempt('limit-test@harbin.cn', 50);
    expect([res.status, res.headers.get('retry-after'), ((await res.json()) as { error: { code: string } }).error.code]).toEqual([429, '60', 'TOO_MANY_ATTEMPTS']);
    expect((await attempt('someone-else@harbin.cn', 51)).status).toBe(401);
  });
});

describe('worker: scheduled checks fan out over the queue', () => {
  it('the 08:00 Beijing cron, delivered twice, runs the daily check once per tenant through the queue consumer', async () => {
    await fire('0 0 * * *', Date.UTC(2026, 10, 23, 0, 0, 0), 2);
    for (const id of Object.keys(dbs)) {
      const runs = await eventually(() => dailyRuns(id), (r) => r.some((x) => x.slot === '2026-11-23T00:00:00.000Z' && x.status === 'succeeded'), 15_000);
      expect(runs.filter((x) => x.slot === '2026-11-23T00:00:00.000Z'), id).toEqual([{ status: 'succeeded', slot: '2026-11-23T00:00:00.000Z' }]);
    }
  });

  it("the consumer acknowledges each tenant's message on its own and retries only the failing tenant's; a dead-lettered message is logged and acknowledged", async () => {
    const slot = '2026-11-24T00:00:00.000Z';
    const messages = ['lixia', 'broken', 'harbin'].map((tenant, i) => ({ id: `m-${tenant}`, timestamp: Date.now(), attempts: 1 + i, body: { tenant, job: 'daily-check', slot } }));
    const batch = createMessageBatch('grassroots-tenant-jobs', messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, workerEnv, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m-harbin', 'm-lixia']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m-broken']);
    expect((await dailyRuns('lixia')).find((x) => x.slot === slot)?.status).toBe('succeeded');

    const dead = createMessageBatch('grassroots-tenant-jobs-dlq', [messages[1]]);
    const dctx = createExecutionContext();
    await worker.queue(dead, workerEnv, dctx);
    expect((await getQueueResult(dead, dctx)).explicitAcks).toEqual(['m-broken']);
  });
});

describe('worker: scheduled check sends email over SMTP from workerd', () => {
  it("the 08:00 check on 2012-04-21 sends Binzhou's admin the overdue plans, once, with a Chinese subject, while the failing tenant's check fails on its own", async () => {
    const client = createClient({ url: dbs.binzhou.url, authToken: dbs.binzhou.authToken });
    // The 惠民县 federation has a chairwoman with an email: she gets her own notice.
    await client.execute({ sql: "insert into people (id, name, email, access, duty, org_unit_id, created_at, updated_at) values ('p-huimin', '惠民县妇联主席', 'huimin@bz.test', 'supervisor', 'leader', 'huimin', '2012-01-01T00:00:00.000Z', '2012-01-01T00:00:00.000Z')", args: [] });
    await fire('0 0 * * *', Date.UTC(2012, 3, 21, 0, 0, 0), 2);
    const done = await eventually(() => dailyRuns('binzhou'), (r) => r.some((x) => x.slot === '2012-04-21T00:00:00.000Z' && x.status === 'succeeded'), 15_000);
    expect(done.find((x) => x.slot === '2012-04-21T00:00:00.000Z')?.status).toBe('succeeded');
    const rows = (await client.execute('select kind, status, recipient_email, subject from outbox')).rows;
    client.close();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const received = (await (await fetch(smtp.messagesUrl)).json()) as { subject: string; to: string[]; text: string }[];
    const mine = received.filter((m) => m.to[0] === 'huimin@bz.test' && m.subject.startsWith('【逾期】'));
    expect(mine.map((m) => m.subject)).toEqual(['【逾期】惠民县妇联：“各县区妇联4月下旬前将活动方案报市妇联组宣部”已于2012年4月20日到期，尚未完成']);
    expect(mine[0].text).toContain('期限：2012年4月20日（北京时间当日24时前）');
    const lists = received.filter((m) => m.to[0] === dbs.binzhou.adminEmail && m.subject.startsWith('【待分派】'));
    expect(lists).toHaveLength(1);
    expect(lists[0].text).toContain('逾期通知｜滨城区妇联｜各县区妇联4月下旬前将活动方案报市妇联组宣部');
    // Fired twice, each email arrived once.
    expect(new Set(received.map((m) => `${m.to[0]}|${m.subject}`)).size).toBe(received.length);
  });
});

describe('worker: a federation onboarded and suspended through the platform API, with no redeploy', () => {
  const turso = inject('turso');
  const platformEnv = { ...workerEnv, TURSO_API_TOKEN: workerSuite.turso.apiToken, TURSO_ORG: workerSuite.turso.org, TURSO_GROUP: workerSuite.turso.group, TURSO_API_URL: turso.apiUrl } as Env;
  const platform = (path: string, init: { method?: string; body?: unknown } = {}) =>
    call(`/v1/platform${path}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${workerSuite.platformToken}`, 'content-type': 'application/json' }, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) }, platformEnv);

  it('one POST creates the database on "Turso", migrates it from inside workerd, registers it; the Worker serves it and the next cron checks it', async () => {
    const res = await platform('/tenants', { method: 'POST', body: { config: inject('fourthFederation') } });
    expect(res.status).toBe(201);
    const { tenant, bootstrapAdmin } = (await res.json()) as { tenant: { id: string; schemaVersion: number; databaseUrl: string }; bootstrapAdmin: { email: string; password: string } };
    expect(tenant.schemaVersion).toBe(availableMigrations().length);
    const login = await call('/v1/jinan/auth/login', json(bootstrapAdmin));
    expect(login.status).toBe(200);
    const listed = (await (await call('/v1/tenants')).json()) as { items: { id: string }[] };
    expect(listed.items.map((t) => t.id)).toContain('jinan');

    await fire('0 0 * * *', Date.UTC(2026, 10, 25, 0, 0, 0), 1);
    const client = createClient({ url: tenant.databaseUrl, authToken: workerSuite.groupToken });
    const runs = await eventually(async () => (await client.execute("select status from job_runs where scheduled_for = '2026-11-25T00:00:00.000Z'")).rows, (r) => r[0]?.status === 'succeeded', 15_000);
    client.close();
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('suspend answers 403 TENANT_SUSPENDED on that tenant only; resume serves it again', async () => {
    expect((await platform('/tenants/harbin/suspend', { method: 'POST' })).status).toBe(200);
    const res = await call('/v1/harbin/auth/login', json({ email: dbs.harbin.adminEmail, password: dbs.harbin.adminPassword }));
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([403, 'TENANT_SUSPENDED']);
    expect((await call('/v1/lixia/auth/login', json({ email: dbs.lixia.adminEmail, password: dbs.lixia.adminPassword }))).status).toBe(200);
    expect((await platform('/tenants/harbin/resume', { method: 'POST' })).status).toBe(200);
    expect((await call('/v1/harbin/auth/login', json({ email: dbs.harbin.adminEmail, password: dbs.harbin.adminPassword }))).status).toBe(200);
  });
});
