/**
 * What a REST client expects of the HTTP layer: 415 for a body that is not
 * JSON (nothing written), 400 for a cursor the API never handed out, 405 with
 * Allow, WWW-Authenticate on 401, Location on 201, and CORS only for the
 * origins a deployment names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, countRows, type TestApp } from '../support/node-app.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await makeTestApp({ vars: { CORS_ORIGINS: 'https://mini.example.cn' } });
  admin = await t.adminToken('lixia');
});
afterAll(() => t.close());

type Err = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

describe('request bodies', () => {
  it('PATCH with text/plain is 415 and changes nothing: no new updatedAt, no audit row', async () => {
    const before = (await (await t.request('/v1/lixia/org-units/lixia', { token: admin })).json()) as { name: string };
    const audits = await countRows(t, 'lixia', 'audit_log');
    const res = await t.request('/v1/lixia/org-units/lixia', { method: 'PATCH', token: admin, headers: { 'content-type': 'text/plain' }, body: '{"name":"改名"}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as Err).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await (await t.request('/v1/lixia/org-units/lixia', { token: admin })).json()).toMatchObject(before);
    expect(await countRows(t, 'lixia', 'audit_log')).toBe(audits);
  });

  it('curl -d without a header (form-encoded) is 415 on a POST; a login sent as text/plain is 415, not "email: 缺少必填字段"', async () => {
    const form = await t.request('/v1/lixia/people', { method: 'POST', token: admin, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"name":"表单"}' });
    expect(form.status).toBe(415);
    const login = await t.request('/v1/lixia/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: t.admins.lixia.email, password: t.admins.lixia.password }) });
    expect([login.status, ((await login.json()) as Err).error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('JSON with a charset parameter is accepted; a POST with no body needs no Content-Type', async () => {
    const res = await t.request('/v1/lixia/checks/run', { method: 'POST', token: admin, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"dryRun":true}' });
    expect(res.status).toBe(200);
    const empty = await t.request('/v1/lixia/checks/run', { method: 'POST', token: admin });
    expect(empty.status).not.toBe(415);
  });
});

describe('cursors', () => {
  it.each(['/people?cursor=garbage', '/diary-entries?cursor=garbage', '/compliance?cursor=garbage', '/audit?cursor=Zm9v', '/deadlines?from=2013-01-01&to=2013-03-31&cursor=%21'])(
    '%s is 400 naming query.cursor',
    async (path) => {
      const res = await t.request(`/v1/lixia${path}`, { token: admin });
      const body = (await res.json()) as Err;
      expect(res.status).toBe(400);
      expect(body.error.fields?.[0]).toEqual({ path: 'query.cursor', message: '分页游标无效：请原样使用上一页返回的 nextCursor' });
    },
  );

  it('a nextCursor handed out by a list is accepted by that list and leads to the next item', async () => {
    await t.request('/v1/lixia/people', { method: 'POST', token: admin, json: { name: '第二人' } });
    const first = (await (await t.request('/v1/lixia/people?limit=1', { token: admin })).json()) as { items: { id: string }[]; nextCursor: string };
    const next = await t.request(`/v1/lixia/people?limit=1&cursor=${first.nextCursor}`, { token: admin });
    expect(next.status).toBe(200);
    expect(((await next.json()) as typeof first).items[0].id > first.items[0].id).toBe(true);
  });
});

describe('HTTP conventions', () => {
  it('a wrong method on a known path is 405 with Allow; an unknown path stays 404', async () => {
    const put = await t.request('/v1/lixia/people', { method: 'PUT', token: admin, json: { name: 'x' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(((await put.json()) as Err).error.code).toBe('METHOD_NOT_ALLOWED');
    const one = await t.request('/v1/lixia/people/abc', { method: 'POST', token: admin, json: {} });
    expect([one.status, one.headers.get('allow')]).toEqual([405, 'DELETE, GET, HEAD, PATCH']);
    expect((await t.request('/v1/lixia/nothing-here', { token: admin })).status).toBe(404);
  });

  it('401 carries WWW-Authenticate: Bearer (invalid_token for a bad token)', async () => {
    const none = await t.request('/v1/lixia/me');
    expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="grassroots"']);
    const bad = await t.request('/v1/lixia/me', { token: 'a.b.c' });
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="grassroots", error="invalid_token"');
  });

  it('201 carries Location of the new resource, also when an Idempotency-Key replays it', async () => {
    const headers = { 'idempotency-key': 'loc-1' };
    const res = await t.request('/v1/lixia/people', { method: 'POST', token: admin, json: { name: '有位置' }, headers });
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`/v1/lixia/people/${id}`);
    const replay = await t.request('/v1/lixia/people', { method: 'POST', token: admin, json: { name: '有位置' }, headers });
    expect(replay.headers.get('location')).toBe(`/v1/lixia/people/${id}`);
    expect((await t.request(res.headers.get('location')!, { token: admin })).status).toBe(200);
    const diary = await t.request('/v1/lixia/diary-entries', { method: 'POST', token: admin, json: { entryDate: '2013-05-02', content: '日记' } });
    expect(diary.headers.get('location')).toMatch(/^\/v1\/lixia\/diary-entries\/[0-9A-Z]+$/);
  });

  it('CORS: a preflight from a configured origin is answered without a token; other origins get no CORS headers', async () => {
    const ok = await t.request('/v1/lixia/people', { method: 'OPTIONS', headers: { origin: 'https://mini.example.cn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://mini.example.cn');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const get = await t.request('/v1/lixia/me', { token: admin, headers: { origin: 'https://mini.example.cn' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://mini.example.cn');
    const other = await t.request('/v1/lixia/people', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
