import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, addUser, countRows, type TestApp } from '../support/node-app.ts';
import { sampleBodies } from '../support/samples.ts';
import { resources } from '../../src/records/resources.ts';

let t: TestApp;
let admin: string;
let member: { id: string; token: string };
let samples: ReturnType<typeof sampleBodies>;

beforeAll(async () => {
  t = await makeTestApp();
  admin = await t.adminToken('binzhou');
  member = await addUser(t, 'binzhou', { name: '干部甲', email: 'a@bz.cn', password: 'pass-a-123', duty: 'office_cadre', orgUnitId: 'bincheng' });
  const h = await t.request('/v1/binzhou/households', { method: 'POST', token: member.token, json: { orgUnitId: 'bincheng', address: '滨城区某路2号', categories: ['left_behind', 'dispute'] } });
  samples = sampleBodies({ householdId: ((await h.json()) as { id: string }).id });
});
afterAll(() => t.close());

type View = Record<string, unknown> & { id: string };

describe.each(resources.map((r) => [r.path, r] as const))('%s: create, read, list, update, delete', (path, def) => {
  it(`${def.label}: an admin creates, reads, lists, updates and soft-deletes; the row stays for audit`, async () => {
    const { body, patch } = samples[path];
    const created = await t.request(`/v1/binzhou/${path}`, { method: 'POST', token: admin, json: body });
    expect(created.status).toBe(201);
    const view = (await created.json()) as View;
    for (const [k, val] of Object.entries(body)) if (k !== 'submittedAt') expect(view[k], k).toEqual(val);
    expect((await t.request(`/v1/binzhou/${path}/${view.id}`, { token: admin })).status).toBe(200);
    const list = (await (await t.request(`/v1/binzhou/${path}?limit=200`, { token: admin })).json()) as { items: View[] };
    expect(list.items.map((x) => x.id)).toContain(view.id);
    const patched = await t.request(`/v1/binzhou/${path}/${view.id}`, { method: 'PATCH', token: admin, json: patch });
    expect(patched.status).toBe(200);
    const after = (await patched.json()) as View;
    for (const [k, val] of Object.entries(patch)) expect(after[k], k).toEqual(val);
    const before = await countRows(t, 'binzhou', def.table[Symbol.for('drizzle:Name') as never] as unknown as string);
    expect((await t.request(`/v1/binzhou/${path}/${view.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await t.request(`/v1/binzhou/${path}/${view.id}`, { token: admin })).status).toBe(404);
    expect(await countRows(t, 'binzhou', def.table[Symbol.for('drizzle:Name') as never] as unknown as string)).toBe(before);
    const audit = (await (await t.request(`/v1/binzhou/audit?recordId=${view.id}`, { token: admin })).json()) as { items: { action: string }[] };
    expect(audit.items.map((a) => a.action).filter((a) => a !== 'read')).toEqual(['delete', 'update', 'create']);
  });
});

describe('records: what a cadre does', () => {
  it('a member records her own field trip, visit, diary and pairing; personId defaults to her', async () => {
    for (const path of ['field-trips', 'household-visits', 'diary-entries', 'pairings']) {
      const res = await t.request(`/v1/binzhou/${path}`, { method: 'POST', token: member.token, json: samples[path].body });
      expect(res.status, path).toBe(201);
      expect(((await res.json()) as View).personId).toBe(member.id);
    }
  });

  it("a household visit takes the household's unit and 六必访 categories", async () => {
    const res = await t.request('/v1/binzhou/household-visits', { method: 'POST', token: member.token, json: samples['household-visits'].body });
    const view = (await res.json()) as View;
    expect([view.orgUnitId, view.categories]).toEqual(['bincheng', ['left_behind', 'dispute']]);
  });

  it('lists filter by person, org unit, date range and kind-specific fields', async () => {
    const mk = (json: Record<string, unknown>) => t.request('/v1/binzhou/events', { method: 'POST', token: admin, json });
    await mk({ orgUnitId: 'huimin', type: 'job_fair', title: '招聘会', startDate: '2012-03-08' });
    await mk({ orgUnitId: 'huimin', type: 'training', title: '培训', startDate: '2012-07-08', participants: 30 });
    await mk({ orgUnitId: 'sunwu', type: 'training', title: '街道培训', startDate: '2012-07-09', participants: 20 });
    const q = async (qs: string) => ((await (await t.request(`/v1/binzhou/events?${qs}`, { token: admin })).json()) as { items: View[] }).items.map((e) => e.title).sort();
    expect(await q('orgUnit=huimin&type=training')).toEqual(['培训']);
    expect(await q('orgUnit=huimin&subunits=true&type=training')).toEqual(['培训', '街道培训']);
    expect(await q('orgUnit=huimin&from=2012-03-01&to=2012-03-31')).toEqual(['招聘会']);
    expect((await q(`person=${member.id}`)).length).toBe(0);
  });

  it('submissions filter by the Beijing date they were sent: 23:59 on 31 May is May, 00:01 on 1 June is June', async () => {
    const sup = await addUser(t, 'binzhou', { name: '督导', email: 'sup@bz.cn', password: 'pass-s-123', access: 'supervisor', orgUnitId: 'zouping' });
    const send = (at: string) => t.request('/v1/binzhou/submissions', { method: 'POST', token: sup.token, json: { orgUnitId: 'zouping', type: 'info', title: at, submittedAt: at } });
    expect((await send('2012-05-31T23:59:00+08:00')).status).toBe(201);
    expect((await send('2012-06-01T00:01:00+08:00')).status).toBe(201);
    const may = (await (await t.request('/v1/binzhou/submissions?orgUnit=zouping&from=2012-05-01&to=2012-05-31', { token: sup.token })).json()) as { items: View[] };
    expect(may.items.map((s) => s.title)).toEqual(['2012-05-31T23:59:00+08:00']);
    expect(may.items[0].submittedAt).toBe('2012-05-31T15:59:00.000Z');
  });

  it('exports any list as CSV in UTF-8 with a BOM and Chinese headers', async () => {
    const res = await t.request('/v1/binzhou/events?format=csv&orgUnit=huimin', { token: admin });
    expect(res.headers.get('content-type')).toMatch(/text\/csv; charset=UTF-8/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [head, ...lines] = text.trim().split('\r\n');
    expect(head).toBe('记录ID,人员ID,组织ID,活动类型,名称,开始日期,结束日期,参与人数,备注,登记人ID,创建时间（北京时间）,更新时间（北京时间）');
    expect(lines.some((l) => l.includes(',培训,培训,2012-07-08,2012-07-08,30,'))).toBe(true);
    const en = await (await t.request('/v1/binzhou/events?format=csv&headers=en', { token: admin })).text();
    // Response.text() decodes UTF-8 and drops the BOM, as Excel does.
    expect(en.split('\r\n')[0]).toBe('id,personId,orgUnitId,type,title,startDate,endDate,participants,notes,createdBy,createdAt,updatedAt');
  });

  it('a petition derives its status from its dates: assigned when assigned, closed when closed', async () => {
    const res = await t.request('/v1/binzhou/petitions', { method: 'POST', token: admin, json: { orgUnitId: 'bincheng', channel: 'letter', receivedOn: '2012-06-01', superiorAssigned: true, dueDate: '2012-06-15' } });
    const p = (await res.json()) as View;
    expect(p.status).toBe('assigned');
    const closed = (await (await t.request(`/v1/binzhou/petitions/${p.id}`, { method: 'PATCH', token: admin, json: { closedOn: '2012-06-10', reportedOn: '2012-06-11' } })).json()) as View;
    expect(closed.status).toBe('closed');
  });
});
