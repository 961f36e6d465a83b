import { env, createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { createClient } from '@libsql/client/web';
import { describe, expect, inject, it } from 'vitest';
import worker, { type Env } from '../../src/worker.ts';

const dbs = inject('tenantDatabases');
const smtp = inject('smtp');
const workerEnv: Env = {
  ...(env as unknown as Env),
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtp.port),
  SMTP_SECURE: 'false',
  SMTP_FROM: 'noreply@grassroots.test',
  ...Object.fromEntries(
    Object.entries(dbs).flatMap(([id, d]) => [
      [`LIBSQL_URL_${id.toUpperCase()}`, d.url],
      [`LIBSQL_AUTH_TOKEN_${id.toUpperCase()}`, d.authToken],
    ]),
  ),
};

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

/** Delivers one cron event `times` times, as Cloudflare may. */
async function fire(cron: string, scheduledTime: number, times: number) {
  for (let i = 0; i < times; i++) {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron, scheduledTime }), workerEnv, ctx);
    await waitOnExecutionContext(ctx);
  }
}

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

  it("a tenant database at a file: URL (which a Worker cannot open) is 503 MISCONFIGURED naming LIBSQL_URL_<TENANT>, not a 500", async () => {
    const res = await call('/v1/lixia/auth/login', json({ email: 'a@b.cn', password: 'whatever-1' }), { ...workerEnv, LIBSQL_URL_LIXIA: 'file:data/lixia.db' });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([body.error.code, body.error.message.includes('LIBSQL_URL_LIXIA')]).toEqual(['MISCONFIGURED', true]);
  });
});

describe('worker: OpenAPI without zod in the bundle', () => {
  it('/openapi.json is generated inside workerd from the valibot schemas (zod is replaced by a stand-in that would throw)', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const spec = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/v1/{tenant}/compliance/heatmap');
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
    expect(body.items.map((t) => t.id).sort()).toEqual(['binzhou', 'harbin', 'lixia']);
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

  it('a tenant whose database secret is missing answers 503, not a stack trace', async () => {
    const { LIBSQL_URL_HARBIN: _u, ...rest } = workerEnv;
    const res = await call('/v1/harbin/auth/login', json({ email: 'a@b.cn', password: 'x' }), rest as Env);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
  });
});

describe('worker: scheduled', () => {
  it('the 08:00 Beijing cron runs the daily check once per tenant, even when delivered twice', async () => {
    await fire('0 0 * * *', Date.UTC(2026, 10, 23, 0, 0, 0), 2);
    for (const id of Object.keys(dbs)) {
      const client = createClient({ url: dbs[id].url, authToken: dbs[id].authToken });
      const rows = (await client.execute("select status, scheduled_for from job_runs where job = 'daily-check'")).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0].status).toBe('succeeded');
      expect(rows[0].scheduled_for).toBe('2026-11-23T00:00:00.000Z');
      client.close();
    }
  });
});

describe('worker: scheduled check sends email over SMTP from workerd', () => {
  it("the 08:00 check on 2012-04-21 sends Binzhou's admin the overdue plans (no county has a contact yet), once, with a Chinese subject", async () => {
    const client = createClient({ url: dbs.binzhou.url, authToken: dbs.binzhou.authToken });
    // The 惠民县 federation has a chairwoman with an email: she gets her own notice.
    await client.execute({ sql: "insert into people (id, name, email, access, duty, org_unit_id, created_at, updated_at) values ('p-huimin', '惠民县妇联主席', 'huimin@bz.test', 'supervisor', 'leader', 'huimin', '2012-01-01T00:00:00.000Z', '2012-01-01T00:00:00.000Z')", args: [] });
    await fire('0 0 * * *', Date.UTC(2012, 3, 21, 0, 0, 0), 2);
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
