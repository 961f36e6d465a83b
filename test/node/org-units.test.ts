import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, countRows, type TestApp } from '../support/node-app.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('harbin');
});
afterAll(() => t.close());

type Tree = { id: string; name: string; level: string; levelLabel: string; children: Tree[] };

describe('org units: the tree from the config', () => {
  it("harbin's tree has the city at the root, its three departments and 18 districts, counties and cities", async () => {
    const res = await t.request('/v1/harbin/org-units', { token: admin });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Tree[] };
    expect(items).toHaveLength(1);
    const root = items[0];
    expect(root.name).toBe('哈尔滨市妇联');
    expect(root.levelLabel).toBe('市级');
    expect(root.children.map((c) => c.name)).toEqual(expect.arrayContaining(['市妇联组织部', '市妇联权益部', '市妇联研究室', '道里区妇联', '五常市妇联']));
    expect(root.children).toHaveLength(3 + 18);
  });

  it('one unit shows its path up to the root and its children', async () => {
    const res = await t.request('/v1/binzhou/org-units/shizhong', { token: await t.adminToken('binzhou') });
    const body = (await res.json()) as { name: string; path: { id: string }[]; children: unknown[] };
    expect(body.name).toBe('市中街道妇联');
    expect(body.path.map((p) => p.id)).toEqual(['binzhou', 'bincheng']);
  });

  it('every role can read the tree; an id from another tenant is 404', async () => {
    const member = await addUser(t, 'harbin', { name: '成员', email: 'm@harbin.cn', password: 'member-pass' });
    expect((await t.request('/v1/harbin/org-units', { token: member.token })).status).toBe(200);
    expect((await t.request('/v1/harbin/org-units/jianxin', { token: admin })).status).toBe(404);
  });
});

describe('org units: admin writes', () => {
  it('adds a street under a district, then a community under it; a city-level unit under a district is refused', async () => {
    const street = await t.request('/v1/harbin/org-units', { method: 'POST', token: admin, json: { id: 'zhaolin', name: '兆麟街道妇联', level: 'street', type: 'federation', parentId: 'daoli' } });
    expect(street.status).toBe(201);
    const community = await t.request('/v1/harbin/org-units', { method: 'POST', token: admin, json: { name: '测试社区妇联', level: 'community', type: 'federation', parentId: 'zhaolin' } });
    expect(community.status).toBe(201);
    expect(((await community.json()) as { id: string }).id).toMatch(/^u-/);
    const tooHigh = await t.request('/v1/harbin/org-units', { method: 'POST', token: admin, json: { name: '错层级', level: 'city', type: 'department', parentId: 'daoli' } });
    expect(tooHigh.status).toBe(400);
  });

  it('a duplicate id is 409; an unknown parent is 400', async () => {
    expect((await t.request('/v1/harbin/org-units', { method: 'POST', token: admin, json: { id: 'daoli', name: '重复', level: 'district', type: 'federation', parentId: 'harbin' } })).status).toBe(409);
    expect((await t.request('/v1/harbin/org-units', { method: 'POST', token: admin, json: { name: '孤儿', level: 'street', type: 'federation', parentId: 'nowhere' } })).status).toBe(400);
  });

  it('moving a unit under its own descendant is refused (400), the root cannot move (409)', async () => {
    await t.request('/v1/harbin/org-units', { method: 'POST', token: admin, json: { id: 'xinyang', name: '新阳路街道妇联', level: 'street', type: 'federation', parentId: 'daoli' } });
    expect((await t.request('/v1/harbin/org-units/daoli', { method: 'PATCH', token: admin, json: { parentId: 'xinyang' } })).status).toBe(400);
    expect((await t.request('/v1/harbin/org-units/harbin', { method: 'PATCH', token: admin, json: { parentId: 'daoli' } })).status).toBe(409);
    const moved = await t.request('/v1/harbin/org-units/xinyang', { method: 'PATCH', token: admin, json: { parentId: 'nangang', name: '新阳路街道妇联（南岗）' } });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as { parentId: string }).parentId).toBe('nangang');
  });

  it('a unit with people or children cannot be deleted (409); an empty one can', async () => {
    await addUser(t, 'harbin', { name: '平房干部', email: 'p@pingfang.cn', password: 'pingfang-1', orgUnitId: 'pingfang' });
    expect((await t.request('/v1/harbin/org-units/pingfang', { method: 'DELETE', token: admin })).status).toBe(409);
    expect((await t.request('/v1/harbin/org-units/daoli', { method: 'DELETE', token: admin })).status).toBe(409);
    const before = await countRows(t, 'harbin', "org_units where deleted_at is null");
    expect((await t.request('/v1/harbin/org-units/xinyang', { method: 'DELETE', token: admin })).status).toBe(204);
    expect(await countRows(t, 'harbin', "org_units where deleted_at is null")).toBe(before - 1);
    expect((await t.request('/v1/harbin/org-units/xinyang', { token: admin })).status).toBe(404);
  });

  it('members may not write org units (403)', async () => {
    const member = await addUser(t, 'harbin', { name: '成员乙', email: 'm2@harbin.cn', password: 'member-pass' });
    expect((await t.request('/v1/harbin/org-units', { method: 'POST', token: member.token, json: { name: 'x', level: 'street', type: 'federation', parentId: 'daoli' } })).status).toBe(403);
  });
});
