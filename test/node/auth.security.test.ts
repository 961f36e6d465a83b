import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { makeTestApp, addUser, TEST_SECRET, type TestApp } from '../support/node-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const key = (s: string) => new TextEncoder().encode(s);
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function adminSub(tenant: string) {
  const res = await t.request(`/v1/${tenant}/me`, { token: await t.adminToken(tenant) });
  return ((await res.json()) as { id: string }).id;
}

/** A token like ours, with one thing changed. */
async function forged(over: { secret?: string; aud?: string; iss?: string; exp?: number; tenant?: string; alg?: string; sub?: string }) {
  const iat = Math.floor(new Date('2026-11-23T01:00:00Z').getTime() / 1000);
  return new SignJWT({ tenant: over.tenant ?? 'lixia', access: 'admin' })
    .setProtectedHeader({ alg: over.alg ?? 'HS256' })
    .setSubject(over.sub ?? (await adminSub('lixia')))
    .setIssuer(over.iss ?? 'grassroots')
    .setAudience(over.aud ?? 'grassroots-api')
    .setIssuedAt(iat)
    .setExpirationTime(over.exp ?? iat + 3600)
    .sign(key(over.secret ?? TEST_SECRET));
}

const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('auth: login', () => {
  it('the bootstrap admin logs in and gets a bearer token for its tenant', async () => {
    const res = await t.request('/v1/lixia/auth/login', { method: 'POST', json: t.admins.lixia });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; tokenType: string; person: { access: string; mustChangePassword: boolean } };
    expect(body.tokenType).toBe('Bearer');
    expect(body.person.access).toBe('admin');
  });

  it('someone who must change her password (first login, an admin reset) gets 403 PASSWORD_CHANGE_REQUIRED everywhere but /me and /auth/password, until she changes it', async () => {
    const u = await addUser(t, 'lixia', { name: '重置', email: 'first-login@lixia.cn', password: 'first-pass-1' });
    const reset = await t.request(`/v1/lixia/people/${u.id}`, { method: 'PATCH', token: await t.adminToken('lixia'), json: { password: 'reset-pass-1' } });
    expect(reset.status).toBe(200);
    const login = await t.request('/v1/lixia/auth/login', { method: 'POST', json: { email: 'first-login@lixia.cn', password: 'reset-pass-1' } });
    const { token, person } = (await login.json()) as { token: string; person: { mustChangePassword: boolean } };
    expect(person.mustChangePassword).toBe(true);
    const blocked = await t.request('/v1/lixia/field-trips', { token });
    expect(blocked.status).toBe(403);
    expect(await code(blocked)).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await t.request('/v1/lixia/me', { token })).status).toBe(200);
    const changed = await t.request('/v1/lixia/auth/password', { method: 'POST', token, json: { currentPassword: 'reset-pass-1', newPassword: 'own-pass-22' } });
    expect(changed.status).toBe(204);
    const fresh = await t.login('lixia', 'first-login@lixia.cn', 'own-pass-22');
    expect((await t.request('/v1/lixia/field-trips', { token: fresh })).status).toBe(200);
  });

  it('a wrong password and an unknown email both get 401 INVALID_CREDENTIALS', async () => {
    const wrong = await t.request('/v1/lixia/auth/login', { method: 'POST', json: { email: t.admins.lixia.email, password: 'wrong-password' } });
    const unknown = await t.request('/v1/lixia/auth/login', { method: 'POST', json: { email: 'nobody@example.cn', password: 'whatever1' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await code(wrong)).toBe('INVALID_CREDENTIALS');
    expect(await code(unknown)).toBe('INVALID_CREDENTIALS');
  });

  it("a lixia admin's email and password do not log in on binzhou", async () => {
    const res = await t.request('/v1/binzhou/auth/login', { method: 'POST', json: t.admins.lixia });
    expect(res.status).toBe(401);
  });

  it('changing the password clears mustChangePassword; the old password stops working', async () => {
    const u = await addUser(t, 'harbin', { name: '改密', email: 'pw@harbin.cn', password: 'first-pass-1' });
    const res = await t.request('/v1/harbin/auth/password', { method: 'POST', token: u.token, json: { currentPassword: 'first-pass-1', newPassword: 'second-pass-2' } });
    expect(res.status).toBe(204);
    await expect(t.login('harbin', 'pw@harbin.cn', 'first-pass-1')).rejects.toThrow(/401/);
    expect(await t.login('harbin', 'pw@harbin.cn', 'second-pass-2')).toBeTruthy();
  });
});

describe('auth: attempt limits per account and per client address (no lockout)', () => {
  let limited: TestApp;
  const login = (email: string, password: string, address = '203.0.113.7') =>
    limited.request('/v1/binzhou/auth/login', { method: 'POST', headers: { 'x-real-ip': address }, json: { email, password } });
  beforeAll(async () => {
    limited = await makeTestApp({ vars: { LOGIN_LIMIT_PER_ACCOUNT: '10', LOGIN_LIMIT_PER_ADDRESS: '30', CLIENT_ADDRESS_HEADER: 'x-real-ip' } });
    await addUser(limited, 'binzhou', { name: '限流测试', email: 'limit@bz.cn', password: 'right-pass-1' });
  });
  afterAll(() => {
    vi.useRealTimers();
    limited.close();
  });

  it('the 11th attempt on one account within a minute is 429 with Retry-After 60, even with the right password, from any address; the next minute it works; nothing is locked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T02:00:05Z'));
    for (let i = 0; i < 9; i++) expect((await login('limit@bz.cn', 'wrong-pass', `198.51.100.${i}`)).status).toBe(401);
    expect((await login('limit@bz.cn', 'right-pass-1')).status).toBe(200);
    const limitedRes = await login('limit@bz.cn', 'right-pass-1', '198.51.100.99');
    expect(limitedRes.status).toBe(429);
    expect(limitedRes.headers.get('retry-after')).toBe('60');
    expect(((await limitedRes.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', message: '尝试次数过多，请 1 分钟后再试' });
    // Another account from the same address is not affected.
    expect((await login(limited.admins.binzhou.email, limited.admins.binzhou.password)).status).toBe(200);
    vi.setSystemTime(new Date('2026-11-23T02:01:00Z'));
    expect((await login('limit@bz.cn', 'right-pass-1')).status).toBe(200);
    vi.useRealTimers();
  });

  it('the 31st attempt from one address within a minute is 429 whichever accounts it tries; another address is not affected', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T03:00:05Z'));
    for (let i = 0; i < 30; i++) expect((await login(`nobody${i}@bz.cn`, 'wrong-pass', '192.0.2.1')).status).toBe(401);
    expect((await login('limit@bz.cn', 'right-pass-1', '192.0.2.1')).status).toBe(429);
    expect((await login('limit@bz.cn', 'right-pass-1', '192.0.2.2')).status).toBe(200);
    vi.useRealTimers();
  });

  it('the password change counts against the same account limit: the 11th wrong current password within a minute is 429', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T04:00:05Z'));
    const token = ((await (await login('limit@bz.cn', 'right-pass-1', '192.0.2.50')).json()) as { token: string }).token;
    const change = () => limited.request('/v1/binzhou/auth/password', { method: 'POST', token, headers: { 'x-real-ip': '192.0.2.50' }, json: { currentPassword: 'wrong-pass', newPassword: 'another-pass-2' } });
    for (let i = 0; i < 10; i++) expect((await change()).status).toBe(401);
    expect((await change()).status).toBe(429);
    vi.useRealTimers();
  });
});

describe('auth: token rejections', () => {
  it('a token for lixia used on binzhou is 403 TENANT_MISMATCH', async () => {
    const res = await t.request('/v1/binzhou/people', { token: await t.adminToken('lixia') });
    expect(res.status).toBe(403);
    expect(await code(res)).toBe('TENANT_MISMATCH');
  });

  it('no Authorization header is 401 UNAUTHENTICATED', async () => {
    const res = await t.request('/v1/lixia/people');
    expect(res.status).toBe(401);
    expect(await code(res)).toBe('UNAUTHENTICATED');
  });

  it('an expired token is 401: valid one second before exp, rejected at exp', async () => {
    const exp = Math.floor(new Date('2026-11-23T03:00:00Z').getTime() / 1000);
    const token = await forged({ exp });
    t.setNow('2026-11-23T02:59:59Z');
    expect((await t.request('/v1/lixia/me', { token })).status).toBe(200);
    t.setNow('2026-11-23T03:00:00Z');
    const res = await t.request('/v1/lixia/me', { token });
    expect(res.status).toBe(401);
    expect(await code(res)).toBe('TOKEN_INVALID');
    t.setNow('2026-11-23T02:00:00Z');
  });

  it('an unsigned (alg: none) token is 401', async () => {
    const iat = Math.floor(Date.parse('2026-11-23T01:00:00Z') / 1000);
    const payload = { sub: await adminSub('lixia'), tenant: 'lixia', access: 'admin', iss: 'grassroots', aud: 'grassroots-api', iat, exp: iat + 3600 };
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
    expect((await t.request('/v1/lixia/me', { token })).status).toBe(401);
  });

  it('a token signed with the wrong key is 401', async () => {
    const token = await forged({ secret: 'another-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
    expect((await t.request('/v1/lixia/me', { token })).status).toBe(401);
  });

  it('a token with the wrong audience or issuer is 401', async () => {
    expect((await t.request('/v1/lixia/me', { token: await forged({ aud: 'someone-else' }) })).status).toBe(401);
    expect((await t.request('/v1/lixia/me', { token: await forged({ iss: 'someone-else' }) })).status).toBe(401);
  });

  it('a token signed with another HMAC algorithm (HS512) is 401: the algorithm is pinned', async () => {
    expect((await t.request('/v1/lixia/me', { token: await forged({ alg: 'HS512' }) })).status).toBe(401);
  });

  it('a token for a deleted person stops working at once', async () => {
    const u = await addUser(t, 'lixia', { name: '将删除', email: 'gone@lixia.cn', password: 'gone-pass-1' });
    expect((await t.request('/v1/lixia/me', { token: u.token })).status).toBe(200);
    expect((await t.request(`/v1/lixia/people/${u.id}`, { method: 'DELETE', token: await t.adminToken('lixia') })).status).toBe(204);
    expect((await t.request('/v1/lixia/me', { token: u.token })).status).toBe(401);
  });

  it('after she changes her password, her earlier token is 401 TOKEN_INVALID; a new login works', async () => {
    const u = await addUser(t, 'lixia', { name: '改密码', email: 'change@lixia.cn', password: 'change-pass-1' });
    const second = await t.login('lixia', 'change@lixia.cn', 'change-pass-1');
    const changed = await t.request('/v1/lixia/auth/password', { method: 'POST', token: u.token, json: { currentPassword: 'change-pass-1', newPassword: 'change-pass-2' } });
    expect(changed.status).toBe(204);
    for (const old of [u.token, second]) {
      const res = await t.request('/v1/lixia/me', { token: old });
      expect([res.status, await code(res)]).toEqual([401, 'TOKEN_INVALID']);
    }
    const fresh = await t.login('lixia', 'change@lixia.cn', 'change-pass-2');
    expect((await t.request('/v1/lixia/me', { token: fresh })).status).toBe(200);
  });

  it("an admin's password reset ends the person's earlier tokens", async () => {
    const u = await addUser(t, 'lixia', { name: '被重置', email: 'reset@lixia.cn', password: 'reset-pass-1' });
    const reset = await t.request(`/v1/lixia/people/${u.id}`, { method: 'PATCH', token: await t.adminToken('lixia'), json: { password: 'reset-pass-2' } });
    expect(reset.status).toBe(200);
    expect((await t.request('/v1/lixia/me', { token: u.token })).status).toBe(401);
  });

  it('removing the login (email set to null) ends the earlier tokens; a change of name does not', async () => {
    const u = await addUser(t, 'lixia', { name: '取消登录', email: 'nologin@lixia.cn', password: 'nologin-pass-1' });
    const admin = await t.adminToken('lixia');
    expect((await t.request(`/v1/lixia/people/${u.id}`, { method: 'PATCH', token: admin, json: { name: '改名' } })).status).toBe(200);
    expect((await t.request('/v1/lixia/me', { token: u.token })).status).toBe(200);
    expect((await t.request(`/v1/lixia/people/${u.id}`, { method: 'PATCH', token: admin, json: { email: null } })).status).toBe(200);
    expect((await t.request('/v1/lixia/me', { token: u.token })).status).toBe(401);
  });
});
