import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, countRows, type TestApp } from '../support/node-app.ts';
import { sql } from 'drizzle-orm';
import type { Logger } from '../../src/lib/logger.ts';

let t: TestApp;
let admin: string;
const logged: string[] = [];
const log: Logger = { info: () => {}, warn: () => {}, error: (e, f) => logged.push(JSON.stringify({ e, ...f })) };

beforeAll(async () => {
  t = await makeTestApp({ log, vars: { MAX_BODY_BYTES: '4096' } });
  admin = await t.adminToken('lixia');
});
afterAll(() => t.close());

type ErrorBody = { error: { code: string; message: string; fields?: { path: string; message: string }[]; requestId: string } };

describe('errors: one shape everywhere', () => {
  it('malformed JSON is 400 MALFORMED_JSON with a request id, and nothing is written', async () => {
    const before = await countRows(t, 'lixia', 'people');
    const res = await t.request('/v1/lixia/people', { method: 'POST', token: admin, headers: { 'content-type': 'application/json' }, body: '{"name": "半截' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('MALFORMED_JSON');
    expect(body.error.message).toBe('请求体不是合法的 JSON');
    expect(body.error.requestId).toMatch(/\S{8,}/);
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
    expect(await countRows(t, 'lixia', 'people')).toBe(before);
  });

  it('a body over the limit is 413 PAYLOAD_TOO_LARGE, and nothing is written', async () => {
    const before = await countRows(t, 'lixia', 'people');
    const res = await t.request('/v1/lixia/people', { method: 'POST', token: admin, json: { name: '长'.repeat(3000) } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countRows(t, 'lixia', 'people')).toBe(before);
  });

  it('a JSON body with invalid UTF-8 bytes is 400 INVALID_ENCODING, and nothing is stored (no U+FFFD)', async () => {
    const before = await countRows(t, 'lixia', 'people');
    const bytes = Buffer.concat([Buffer.from('{"name":"王'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await t.request('/v1/lixia/people', { method: 'POST', token: admin, headers: { 'content-type': 'application/json' }, body: bytes });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('INVALID_ENCODING');
    expect(body.error.message).toContain('UTF-8');
    expect(await countRows(t, 'lixia', 'people')).toBe(before);
    const patched = await t.request('/v1/lixia/org-units/lixia', { method: 'PATCH', token: admin, headers: { 'content-type': 'application/json' }, body: bytes });
    expect(patched.status).toBe(400);
  });

  it('a CSV saved by Excel in GBK is refused with a Chinese message saying how to save it as UTF-8', async () => {
    // "组织ID,活动类型" in GBK.
    const gbk = Buffer.from('d7e9d6af4944,bbeeb6afc0e0d0cd\n', 'hex');
    const res = await t.request('/v1/lixia/import?resource=events', { method: 'POST', token: admin, headers: { 'content-type': 'text/csv' }, body: gbk });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/CSV UTF-8（逗号分隔）/);
  });

  it('invalid fields are listed with Chinese messages by default', async () => {
    const res = await t.request('/v1/lixia/people', { method: 'POST', token: admin, json: { name: '', email: 'not-an-email', access: 'root', extra: 1 } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toBe('请求参数不合法');
    const byPath = Object.fromEntries(body.error.fields!.map((f) => [f.path, f.message]));
    expect(byPath.email).toBe('邮箱格式不正确');
    expect(byPath.access).toMatch(/^取值无效/);
    expect(byPath.extra).toBe('不允许的字段');
    expect(Object.keys(byPath)).toContain('name');
  });

  it('Accept-Language: en gives the same codes with English messages', async () => {
    const res = await t.request('/v1/lixia/people', { method: 'POST', token: admin, headers: { 'accept-language': 'en-US,en;q=0.9' }, json: { email: 'nope' } });
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toBe('The request is invalid');
    expect(body.error.fields!.find((f) => f.path === 'email')!.message).toBe('Not a valid email address');
    // A person wrote these, not valibot: no "Invalid key: Expected … but received undefined".
    expect(body.error.fields!.find((f) => f.path === 'name')!.message).toBe('This field is required');
    const extra = await t.request('/v1/lixia/people', { method: 'POST', token: admin, headers: { 'accept-language': 'en' }, json: { name: 'A', colour: 'red' } });
    expect(((await extra.json()) as ErrorBody).error.fields).toEqual([{ path: 'colour', message: 'This field is not allowed' }]);
    const notFound = await t.request('/v1/atlantis/people', { headers: { 'accept-language': 'en' } });
    expect(((await notFound.json()) as ErrorBody).error.message).toBe('No such federation');
  });

  it('a bad query parameter is 400 naming query.limit', async () => {
    const res = await t.request('/v1/lixia/people?limit=5000', { token: admin });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.fields!.map((f) => f.path)).toEqual(['query.limit']);
  });

  it('an unknown route is 404 ROUTE_NOT_FOUND; an unknown tenant is 404 TENANT_NOT_FOUND', async () => {
    expect(((await (await t.request('/v2/anything')).json()) as ErrorBody).error.code).toBe('ROUTE_NOT_FOUND');
    const res = await t.request('/v1/atlantis/auth/login', { method: 'POST', json: { email: 'a@b.cn', password: 'x' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('TENANT_NOT_FOUND');
  });

  it('a database failure is 500 INTERNAL with no stack trace or SQL in the body, and no SQL parameters in the log', async () => {
    const broken = await makeTestApp({ log });
    const token = await broken.adminToken('harbin');
    const db = broken.deps.database(broken.tenant('harbin'));
    await db.run(sql`alter table org_units rename to org_units_gone`);
    logged.length = 0;
    const res = await broken.request('/v1/harbin/org-units', { token });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect((JSON.parse(text) as ErrorBody).error.code).toBe('INTERNAL');
    expect(text).not.toMatch(/select|org_units|\bat\s+\S+\s+\(|node_modules/i);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('unhandled_error');
    expect(logged[0]).not.toMatch(/select|deleted_at/i);
    broken.close();
  });
});
