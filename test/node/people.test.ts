import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, countRows, type TestApp } from '../support/node-app.ts';

let t: TestApp;
let admin: string;
let supervisor: { id: string; token: string };
let memberA: { id: string; token: string };
let memberB: { id: string; token: string };
let outsider: { id: string; token: string };

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  // A county supervisor, two cadres in her county (one in a street below it), one cadre in another county.
  supervisor = await addUser(t, 'binzhou', { name: '督导甲', email: 'sup@bincheng.cn', password: 'sup-pass-1', access: 'supervisor', orgUnitId: 'bincheng', duty: 'leader' });
  memberA = await addUser(t, 'binzhou', { name: '干部甲', email: 'a@bincheng.cn', password: 'a-pass-01', orgUnitId: 'bincheng', duty: 'office_cadre' });
  memberB = await addUser(t, 'binzhou', { name: '干部乙', email: 'b@bincheng.cn', password: 'b-pass-01', orgUnitId: 'shizhong', duty: 'grassroots_cadre' });
  outsider = await addUser(t, 'binzhou', { name: '干部丙', email: 'c@huimin.cn', password: 'c-pass-01', orgUnitId: 'huimin', duty: 'office_cadre' });
});
afterAll(() => t.close());

type Page = { items: { id: string; name: string }[]; nextCursor: string | null };

describe('people: scope', () => {
  it('a member reads her own record', async () => {
    const res = await t.request(`/v1/binzhou/people/${memberA.id}`, { token: memberA.token });
    expect(res.status).toBe(200);
  });

  it("a member reading another member's record gets 404, and the list shows only herself", async () => {
    const res = await t.request(`/v1/binzhou/people/${memberB.id}`, { token: memberA.token });
    expect(res.status).toBe(404);
    const list = (await (await t.request('/v1/binzhou/people', { token: memberA.token })).json()) as Page;
    expect(list.items.map((p) => p.id)).toEqual([memberA.id]);
  });

  it("a county supervisor reads people in her county and its streets, not another county's", async () => {
    const list = (await (await t.request('/v1/binzhou/people?limit=200', { token: supervisor.token })).json()) as Page;
    const ids = list.items.map((p) => p.id).sort();
    expect(ids).toEqual([supervisor.id, memberA.id, memberB.id].sort());
    expect((await t.request(`/v1/binzhou/people/${outsider.id}`, { token: supervisor.token })).status).toBe(404);
    expect((await t.request(`/v1/binzhou/people/${memberB.id}`, { token: supervisor.token })).status).toBe(200);
  });

  it('members and supervisors may not create, update or delete people (403)', async () => {
    for (const token of [memberA.token, supervisor.token]) {
      expect((await t.request('/v1/binzhou/people', { method: 'POST', token, json: { name: '冒名' } })).status).toBe(403);
      expect((await t.request(`/v1/binzhou/people/${memberA.id}`, { method: 'PATCH', token, json: { name: '改名' } })).status).toBe(403);
      expect((await t.request(`/v1/binzhou/people/${memberB.id}`, { method: 'DELETE', token })).status).toBe(403);
    }
  });
});

describe('people: admin writes', () => {
  it('mustChangePassword=true (as the workbench adds people): her first token reads /me but every other route is 403 PASSWORD_CHANGE_REQUIRED; without it she works at once', async () => {
    const add = (email: string, extra: object) => t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: '新干部', email, password: 'first-pass-1', orgUnitId: 'bincheng', ...extra } });
    expect((await add('new1@bincheng.cn', { mustChangePassword: true })).status).toBe(201);
    const first = await t.login('binzhou', 'new1@bincheng.cn', 'first-pass-1');
    expect(((await (await t.request('/v1/binzhou/me', { token: first })).json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const blocked = await t.request('/v1/binzhou/field-trips', { token: first });
    expect([blocked.status, ((await blocked.json()) as { error: { code: string } }).error.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    expect((await add('new2@bincheng.cn', {})).status).toBe(201);
    expect((await t.request('/v1/binzhou/field-trips', { token: await t.login('binzhou', 'new2@bincheng.cn', 'first-pass-1') })).status).toBe(200);
  });

  it('creates a person without login, filters by org unit and duty, pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: `无账号${i}`, orgUnitId: 'wudi', duty: 'grassroots_cadre' } });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { canLogin: boolean }).canLogin).toBe(false);
    }
    const first = (await (await t.request('/v1/binzhou/people?orgUnit=wudi&duty=grassroots_cadre&limit=2', { token: admin })).json()) as Page;
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = (await (await t.request(`/v1/binzhou/people?orgUnit=wudi&duty=grassroots_cadre&limit=2&cursor=${first.nextCursor}`, { token: admin })).json()) as Page;
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });

  it('a duplicate email is 409 CONFLICT and writes nothing', async () => {
    const before = await countRows(t, 'binzhou', 'people');
    const res = await t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: '重复', email: 'A@Bincheng.cn', password: 'dup-pass-1' } });
    expect(res.status).toBe(409);
    expect(await countRows(t, 'binzhou', 'people')).toBe(before);
  });

  it('an unknown org unit is 400 naming orgUnitId, and writes nothing', async () => {
    const before = await countRows(t, 'binzhou', 'people');
    const res = await t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: '无组织', orgUnitId: 'daoli' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: { path: string }[] } };
    expect(body.error.fields.map((f) => f.path)).toEqual(['orgUnitId']);
    expect(await countRows(t, 'binzhou', 'people')).toBe(before);
  });

  it('the last admin cannot be demoted (409); with a second admin she can', async () => {
    const me = (await (await t.request('/v1/binzhou/me', { token: admin })).json()) as { id: string };
    expect((await t.request(`/v1/binzhou/people/${me.id}`, { method: 'PATCH', token: admin, json: { access: 'member' } })).status).toBe(409);
    const second = await addUser(t, 'binzhou', { name: '管理员二', email: 'admin2@binzhou.cn', password: 'admin2-pass', access: 'admin' });
    const res = await t.request(`/v1/binzhou/people/${second.id}`, { method: 'PATCH', token: admin, json: { access: 'supervisor', orgUnitId: 'boxing' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { access: string }).access).toBe('supervisor');
  });

  it('an admin cannot delete herself (409); a deleted person disappears from reads', async () => {
    const me = (await (await t.request('/v1/binzhou/me', { token: admin })).json()) as { id: string };
    expect((await t.request(`/v1/binzhou/people/${me.id}`, { method: 'DELETE', token: admin })).status).toBe(409);
    const gone = await addUser(t, 'binzhou', { name: '临时', email: 'tmp@binzhou.cn', password: 'tmp-pass-1' });
    expect((await t.request(`/v1/binzhou/people/${gone.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await t.request(`/v1/binzhou/people/${gone.id}`, { token: admin })).status).toBe(404);
    expect((await t.request(`/v1/binzhou/people/${gone.id}`, { method: 'DELETE', token: admin })).status).toBe(404);
  });

  it('a password reset by an admin makes the person change it at next login', async () => {
    const res = await t.request(`/v1/binzhou/people/${memberB.id}`, { method: 'PATCH', token: admin, json: { password: 'reset-pass-9' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    expect(await t.login('binzhou', 'b@bincheng.cn', 'reset-pass-9')).toBeTruthy();
  });
});

describe('people and org units: the audit log', () => {
  type Entry = { action: string; actorId: string; recordId: string; changes: Record<string, [unknown, unknown]> };
  const audit = async (query: string) => ((await (await t.request(`/v1/binzhou/audit?${query}`, { token: admin })).json()) as { items: Entry[] }).items;

  it('adding, changing (access, a password as ***), refusing and removing a person each leave exactly the rows that happened', async () => {
    const me = (await (await t.request('/v1/binzhou/me', { token: admin })).json()) as { id: string };
    const add = await t.request('/v1/binzhou/people', { method: 'POST', token: admin, json: { name: '审计对象', email: 'audit@bz.cn', password: 'audit-pass-1', orgUnitId: 'bincheng' } });
    const { id } = (await add.json()) as { id: string };
    expect((await t.request(`/v1/binzhou/people/${id}`, { method: 'PATCH', token: admin, json: { access: 'supervisor', password: 'audit-pass-2' } })).status).toBe(200);
    // Refused (the last admin cannot be demoted): no row.
    const before = (await audit(`resource=people&recordId=${me.id}`)).length;
    expect((await t.request(`/v1/binzhou/people/${me.id}`, { method: 'PATCH', token: admin, json: { access: 'member' } })).status).toBe(409);
    expect(await audit(`resource=people&recordId=${me.id}`)).toHaveLength(before);
    expect((await t.request(`/v1/binzhou/people/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);

    const rows = (await audit(`resource=people&recordId=${id}`)).reverse();
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
    expect(rows.every((r) => r.actorId === me.id)).toBe(true);
    expect(rows[0].changes).toMatchObject({ name: [null, '审计对象'], email: [null, 'audit@bz.cn'], password: [null, '***'] });
    expect(rows[1].changes).toEqual({ access: ['member', 'supervisor'], password: ['***', '***'] });
    expect(JSON.stringify(rows)).not.toContain('audit-pass');
  });

  it('adding, moving and removing an org unit each leave a row with what changed', async () => {
    expect((await t.request('/v1/binzhou/org-units', { method: 'POST', token: admin, json: { id: 'audit-street', name: '审计街道', level: 'street', type: 'federation', parentId: 'bincheng' } })).status).toBe(201);
    expect((await t.request('/v1/binzhou/org-units/audit-street', { method: 'PATCH', token: admin, json: { parentId: 'huimin', name: '审计街道（改）' } })).status).toBe(200);
    expect((await t.request('/v1/binzhou/org-units/audit-street', { method: 'DELETE', token: admin })).status).toBe(204);
    const rows = (await audit('resource=org-units&recordId=audit-street')).reverse();
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
    expect(rows[1].changes).toEqual({ name: ['审计街道', '审计街道（改）'], parentId: ['bincheng', 'huimin'] });
  });
});
