/**
 * The platform operators' API (/v1/platform): its own credential, a fourth federation onboarded
 * on "Turso" (the Platform API's local test double) with one request, configuration changes with a
 * preview of their effect and a version history, suspension.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser, makeTestApp, type TestApp } from '../support/node-app.ts';
import { fourthFederationConfig } from '../support/fourth-federation.ts';
import { startTursoPlatformDouble, type TursoPlatformDouble } from '../support/turso-platform-double.ts';

const PLATFORM_TOKEN = 'platform-operators-secret-0123456789abcdef';
const GROUP_TOKEN = 'turso-group-token-for-tests';
let t: TestApp;
let turso: TursoPlatformDouble;
let tursoDir: string;
const platform = (path: string, init: { method?: string; json?: unknown; token?: string } = {}) => t.request(`/v1/platform${path}`, { method: init.method ?? 'GET', token: init.token ?? PLATFORM_TOKEN, json: init.json });
type ErrorBody = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

beforeAll(async () => {
  tursoDir = mkdtempSync(join(tmpdir(), 'grassroots-turso-'));
  turso = await startTursoPlatformDouble({ dir: tursoDir, org: 'women-fed', group: 'grassroots', apiToken: 'turso-api-token', groupToken: GROUP_TOKEN });
  t = await makeTestApp({
    now: '2012-01-05T02:00:00.000Z',
    vars: { PLATFORM_TOKEN, TURSO_API_TOKEN: 'turso-api-token', TURSO_ORG: 'women-fed', TURSO_GROUP: 'grassroots', TURSO_API_URL: turso.apiUrl, LIBSQL_GROUP_AUTH_TOKEN: GROUP_TOKEN },
  });
});
afterAll(async () => {
  t.close();
  await turso.close();
  rmSync(tursoDir, { recursive: true, force: true });
});

describe('platform API: its own credential', () => {
  it('no token, a wrong token and a tenant admin\'s token are 401; the platform token opens no tenant', async () => {
    expect((await t.request('/v1/platform/tenants')).status).toBe(401);
    expect(((await (await platform('/tenants', { token: 'x'.repeat(40) })).json()) as ErrorBody).error.code).toBe('TOKEN_INVALID');
    expect((await platform('/tenants', { token: await t.adminToken('lixia') })).status).toBe(401);
    expect((await t.request('/v1/lixia/me', { token: PLATFORM_TOKEN })).status).toBe(401);
    const list = (await (await platform('/tenants')).json()) as { items: { id: string; status: string; configVersion: number; databaseUrl: string | null }[] };
    expect(list.items.map((x) => [x.id, x.status, x.configVersion, x.databaseUrl])).toEqual([['binzhou', 'active', 1, null], ['harbin', 'active', 1, null], ['lixia', 'active', 1, null]]);
  });

  it('without PLATFORM_TOKEN configured the platform API is closed, saying why', async () => {
    const closed = await makeTestApp();
    try {
      const res = await closed.request('/v1/platform/tenants', { token: PLATFORM_TOKEN });
      expect([res.status, ((await res.json()) as ErrorBody).error.message]).toEqual([401, '平台接口未启用：服务未设置 PLATFORM_TOKEN']);
    } finally {
      closed.close();
    }
  });
});

describe('platform API: onboarding on Turso (the Platform API test double)', () => {
  it('POST /tenants creates the database in the Turso group, migrates it over HTTP, registers the federation and returns its admin once; the tenant is served at once', async () => {
    const res = await platform('/tenants', { method: 'POST', json: { config: fourthFederationConfig('jinan') } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenant: { id: string; databaseUrl: string; schemaVersion: number }; bootstrapAdmin: { email: string; password: string } };
    expect(turso.created).toEqual(['grassroots-jinan']);
    expect(body.tenant.databaseUrl).toBe(turso.servers.get('grassroots-jinan')!.url);
    expect(body.bootstrapAdmin.email).toBe('jinan-fulian@grassroots.example');
    // Nothing local: the database lives behind the "Turso" server, reached with the group token.
    expect(existsSync(join(t.dir, 'jinan.db'))).toBe(false);
    const before = turso.servers.get('grassroots-jinan')!.requests();
    const login = await t.request('/v1/jinan/auth/login', { method: 'POST', json: body.bootstrapAdmin });
    expect(login.status).toBe(200);
    expect(turso.servers.get('grassroots-jinan')!.requests()).toBeGreaterThan(before);

    const again = await platform('/tenants', { method: 'POST', json: { config: fourthFederationConfig('jinan') } });
    expect([again.status, ((await again.json()) as ErrorBody).error.code]).toEqual([409, 'CONFLICT']);
    expect(turso.created).toEqual(['grassroots-jinan']);
  });

  it('an invalid config is 400 with each field named, and no database is created', async () => {
    const config = fourthFederationConfig('qingdao');
    config.timeZone = 'Mars/Olympus';
    (config.orgUnits as { id: string }).id = 'elsewhere';
    const res = await platform('/tenants', { method: 'POST', json: { config } });
    const body = (await res.json()) as ErrorBody;
    expect(res.status).toBe(400);
    expect(body.error.fields!.map((f) => f.path)).toEqual(expect.arrayContaining(['timeZone']));
    expect(turso.created).toEqual(['grassroots-jinan']);
    expect(((await (await platform('/tenants')).json()) as { items: { id: string }[] }).items.map((x) => x.id)).not.toContain('qingdao');
  });

  it.each(['wss://grassroots-qingdao.turso.io', 'file:data/qingdao.db'])('a databaseUrl at %s (not libSQL over HTTP, which every runtime can reach) is 400 naming databaseUrl, and nothing is created or registered', async (databaseUrl) => {
    const res = await platform('/tenants', { method: 'POST', json: { config: fourthFederationConfig('qingdao'), databaseUrl } });
    const body = (await res.json()) as ErrorBody;
    expect([res.status, body.error.code, body.error.fields!.map((f) => f.path)]).toEqual([400, 'VALIDATION_FAILED', ['databaseUrl']]);
    expect(body.error.fields![0].message).toContain('libsql://');
    expect(turso.created).toEqual(['grassroots-jinan']);
    expect(((await (await platform('/tenants')).json()) as { items: { id: string }[] }).items.map((x) => x.id)).not.toContain('qingdao');
  });

  it('when Turso refuses (a wrong API token) the answer is 503 in the one error shape and nothing is registered', async () => {
    const wrong = await makeTestApp({ vars: { PLATFORM_TOKEN, TURSO_API_TOKEN: 'not-the-token', TURSO_ORG: 'women-fed', TURSO_GROUP: 'grassroots', TURSO_API_URL: turso.apiUrl } });
    try {
      const res = await wrong.request('/v1/platform/tenants', { method: 'POST', token: PLATFORM_TOKEN, json: { config: fourthFederationConfig('yantai') } });
      const body = (await res.json()) as ErrorBody;
      expect([res.status, body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(body.error.message).toContain('grassroots-yantai');
      expect(await wrong.deps.tenants.get('yantai')).toBeUndefined();
    } finally {
      wrong.close();
    }
  });
});

describe('platform API: a new rule configuration, previewed, then put in force as a new version', () => {
  it('dryRun says how many of today\'s results would change status and changes nothing; without it the config becomes version 2 and the API judges by it', async () => {
    await addUser(t, 'lixia', { name: '街道干部', email: 'cadre@lixia.cn', password: 'cadre-pass-1', access: 'member', duty: 'grassroots_cadre', orgUnitId: 'jianxin' });
    t.setNow('2012-12-31T02:00:00.000Z');
    const admin = await t.adminToken('lixia');
    const l1 = async () => ((await (await t.request('/v1/lixia/compliance?rule=L1&limit=200', { token: admin })).json()) as { items: { status: string }[] }).items;
    const before = await l1();
    const notMet = before.filter((r) => r.status !== 'met').length;
    expect(notMet).toBeGreaterThan(0);

    // L1 asks for one diary and one report a year; the proposal asks for none.
    const proposed = JSON.parse(JSON.stringify(t.tenant('lixia'))) as { rules: { id: string; parts: { min?: number }[] }[] };
    for (const part of proposed.rules.find((r) => r.id === 'L1')!.parts) part.min = 0;
    const dry = await t.request('/v1/platform/tenants/lixia/config?dryRun=true', { method: 'PUT', token: PLATFORM_TOKEN, json: { config: proposed } });
    expect(dry.status).toBe(200);
    const preview = (await dry.json()) as { dryRun: boolean; preview: { statusChanged: number; added: number; removed: number; byRule: Record<string, unknown> }; tenant: { configVersion: number } };
    expect(preview).toMatchObject({ dryRun: true, preview: { statusChanged: notMet, added: 0, removed: 0 }, tenant: { configVersion: 1 } });
    expect(Object.keys(preview.preview.byRule)).toEqual(['L1']);
    expect(await l1()).toEqual(before);

    const put = await t.request('/v1/platform/tenants/lixia/config', { method: 'PUT', token: PLATFORM_TOKEN, json: { config: proposed, note: '试行：L1 不设下限', expectVersion: 1 } });
    expect(((await put.json()) as { tenant: { configVersion: number } }).tenant.configVersion).toBe(2);
    expect((await l1()).every((r) => r.status === 'met')).toBe(true);

    // Someone who looked at version 1 cannot overwrite version 2.
    const stale = await t.request('/v1/platform/tenants/lixia/config', { method: 'PUT', token: PLATFORM_TOKEN, json: { config: t.tenant('lixia'), expectVersion: 1 } });
    expect([stale.status, ((await stale.json()) as ErrorBody).error.code]).toEqual([409, 'CONFLICT']);
    const history = (await (await platform('/tenants/lixia/history')).json()) as { versions: { version: number; changedBy: string; note: string | null }[]; events: { action: string }[] };
    expect(history.versions.map((v) => [v.version, v.changedBy, v.note])).toEqual([[2, 'platform-api', '试行：L1 不设下限'], [1, 'file:tenants/lixia.json', null]]);
    expect(history.events.map((e) => e.action)).toEqual(['config_changed', 'created']);
  });

  it('a config that fails validation, or names another federation, is 400 and leaves the version alone', async () => {
    const broken = JSON.parse(JSON.stringify(t.tenant('binzhou'))) as { rules: { id: string; period: unknown }[] };
    broken.rules[0].period = { type: 'fortnight' };
    const res = await t.request('/v1/platform/tenants/binzhou/config', { method: 'PUT', token: PLATFORM_TOKEN, json: { config: broken } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.fields![0].path).toMatch(/^rules\.0\(/);
    const other = await t.request('/v1/platform/tenants/binzhou/config', { method: 'PUT', token: PLATFORM_TOKEN, json: { config: t.tenant('harbin') } });
    expect(((await other.json()) as ErrorBody).error.fields).toEqual([{ path: 'config.id', message: '须为 binzhou' }]);
    expect(((await (await platform('/tenants/binzhou/history')).json()) as { versions: unknown[] }).versions).toHaveLength(1);
  });
});

describe('platform API: suspension', () => {
  it('suspend answers 403 TENANT_SUSPENDED on that tenant at once (same process), resume serves it again; an unknown tenant is 404', async () => {
    const token = await t.adminToken('harbin');
    expect(((await (await platform('/tenants/harbin/suspend', { method: 'POST' })).json()) as { status: string }).status).toBe('suspended');
    const res = await t.request('/v1/harbin/me', { token });
    expect([res.status, ((await res.json()) as ErrorBody).error.code]).toEqual([403, 'TENANT_SUSPENDED']);
    expect((await platform('/tenants/harbin/resume', { method: 'POST' })).status).toBe(200);
    expect((await t.request('/v1/harbin/me', { token })).status).toBe(200);
    expect((await platform('/tenants/atlantis/suspend', { method: 'POST' })).status).toBe(404);
  });
});
