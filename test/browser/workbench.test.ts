/**
 * 工作台 as a cadre uses it, in headless Chromium at phone size: log in, see
 * what is due, record the missing work, see the task change. Every page is
 * checked with axe-core and photographed at 360 and 1280 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, logIn as logInAs, PHONE, startWorkbench, submit, type Workbench } from '../support/browser.ts';
import { addUser } from '../support/node-app.ts';
import { itemLink } from '../../src/email/render.ts';
import type { ComplianceResult } from '../../src/rules/engine.ts';

let w: Workbench;
let cadre: { id: string; token: string };
const EMAIL = 'wang@binzhou.cn';
const PASSWORD = 'cadre-pass-1';

async function visit(householdAddress: string, visitedOn: string) {
  const h = await w.t.request('/v1/binzhou/households', { method: 'POST', token: cadre.token, json: { orgUnitId: 'binzhou', address: householdAddress } });
  const household = ((await h.json()) as { id: string }).id;
  const v = await w.t.request('/v1/binzhou/household-visits', { method: 'POST', token: cadre.token, json: { householdId: household, visitedOn, categories: ['left_behind'] } });
  expect(v.status).toBe(201);
}

const visitCount = async () => ((await (await w.t.request(`/v1/binzhou/household-visits?person=${cadre.id}&limit=100`, { token: cadre.token })).json()) as { items: unknown[] }).items.length;

const logIn = (page: Page, email = EMAIL, password = PASSWORD) => logInAs(page, email, password);

beforeAll(async () => {
  w = await startWorkbench({ now: '2012-06-01T02:00:00.000Z' });
  cadre = await addUser(w.t, 'binzhou', { name: '王芳', email: EMAIL, password: PASSWORD, access: 'member', duty: 'office_cadre', orgUnitId: 'binzhou', dutyFrom: '2012-04-01' });
  for (let i = 1; i <= 9; i++) await visit(`滨城区某路${i}号`, `2012-05-${String(10 + i).padStart(2, '0')}`);
}, 120_000);
afterAll(async () => w?.close());

describe('workbench: a cadre records her work', () => {
  it('B3 at the 10-household boundary: a cadre logs in on a phone, sees B3 at 9 of 10, records the tenth household visit and sees B3 met', async () => {
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/tasks`);
    expect(new URL(page.url()).pathname).toBe('/binzhou/login');
    await expectAccessible(page, 'login');
    await logIn(page);
    expect(new URL(page.url()).pathname).toBe('/binzhou/tasks');
    await expect(page.locator('h1').textContent()).resolves.toBe('我的任务');
    const b3 = page.locator('li.task[data-rule="B3"]');
    await expect(b3.getAttribute('data-status')).resolves.not.toBe('met');
    await expect(b3.locator('.actual').textContent()).resolves.toContain('9');
    await expectAccessible(page, 'tasks');

    await Promise.all([page.waitForNavigation(), b3.getByRole('link', { name: '去登记' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/binzhou/records/household-visits/new');
    await expectAccessible(page, 'household-visit-form');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '先新增住户' }).click()]);
    await page.getByLabel('住址').fill('滨城区某路10号');
    await page.getByLabel(/^所属组织\*?$/).selectOption('binzhou');
    await expectAccessible(page, 'household-form');
    await submit(page, '保存');

    expect(new URL(page.url()).pathname).toBe('/binzhou/records/household-visits/new');
    await page.getByLabel(/^住户\*?$/).selectOption({ label: '滨城区某路10号' });
    await page.getByLabel('走访日期').fill('2012-06-01');
    await page.getByLabel('重病亡故').check();
    await submit(page, '保存');

    expect(new URL(page.url()).pathname).toBe('/binzhou/tasks');
    await expect(page.getByRole('status').textContent()).resolves.toBe('已保存。');
    await expect(page.locator('li.task[data-rule="B3"]').getAttribute('data-status')).resolves.toBe('met');
    expect(await visitCount()).toBe(10);
    await page.close();
  });

  it('a form with bad input shows the Chinese message next to the field and writes nothing', async () => {
    const before = await visitCount();
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/records/household-visits/new`);
    await logIn(page);
    expect(new URL(page.url()).pathname).toBe('/binzhou/records/household-visits/new');
    await page.getByLabel(/^住户\*?$/).selectOption({ index: 1 });
    await page.getByLabel('走访日期').fill('');
    await submit(page, '保存');
    const date = page.locator('#f-visitedOn');
    await expect(date.getAttribute('aria-invalid')).resolves.toBe('true');
    const message = await page.locator('#e-visitedOn').textContent();
    expect(message).toMatch(/[\u4e00-\u9fff]/);
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('请修改标红的内容');
    await expectAccessible(page, 'household-visit-form-error');
    expect(await visitCount()).toBe(before);
    await page.close();
  });

  it('a form post without the session\'s CSRF token, or from another origin, is refused with 403 and writes nothing', async () => {
    const before = await visitCount();
    const context = await w.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${w.base}/binzhou/login`);
    await logIn(page);
    const households = (await (await w.t.request('/v1/binzhou/households?limit=1', { token: cadre.token })).json()) as { items: { id: string }[] };
    const form = { householdId: households.items[0].id, visitedOn: '2012-06-01' };
    const noToken = await page.request.post(`${w.base}/binzhou/records/household-visits`, { form, headers: { origin: w.base } });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain('表单已过期或来源不明');
    const csrf = await page.goto(`${w.base}/binzhou/records/household-visits/new`).then(() => page.locator('input[name="_csrf"]').first().getAttribute('value'));
    const otherOrigin = await page.request.post(`${w.base}/binzhou/records/household-visits`, { form: { ...form, _csrf: csrf! }, headers: { origin: 'https://evil.example' } });
    expect(otherOrigin.status()).toBe(403);
    expect(await visitCount()).toBe(before);
    await context.close();
  });

  it("an email's link (rule × subject × period) opens that one item after login", async () => {
    const results = (await (await w.t.request(`/v1/binzhou/compliance/people/${cadre.id}`, { token: cadre.token })).json()) as { items: ComplianceResult[] };
    const b4 = results.items.find((r) => r.ruleId === 'B4')!;
    const link = itemLink(w.base, 'binzhou', b4);
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/binzhou/login');
    await logIn(page);
    expect(page.url()).toBe(link);
    const items = page.locator('li.task');
    await expect(items.count()).resolves.toBe(1);
    await expect(items.first().getAttribute('data-rule')).resolves.toBe('B4');
    await expect(items.first().getAttribute('data-period')).resolves.toBe(b4.period.key);
    await expectAccessible(page, 'task-item');
    await page.close();
  });

  it("a member cannot open another member's record: a Chinese error page, nothing of the record shown", async () => {
    const other = await addUser(w.t, 'binzhou', { name: '李娜', email: 'li@binzhou.cn', password: 'other-pass-1', access: 'member', duty: 'office_cadre', orgUnitId: 'binzhou' });
    const trip = await w.t.request('/v1/binzhou/field-trips', { method: 'POST', token: other.token, json: { orgUnitId: 'bincheng', startDate: '2012-05-02', endDate: '2012-05-03', purpose: '秘密调研事由' } });
    const tripId = ((await trip.json()) as { id: string }).id;
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/records/field-trips/${tripId}`);
    await logIn(page);
    const res = await page.goto(`${w.base}/binzhou/records/field-trips/${tripId}`);
    expect([403, 404]).toContain(res!.status());
    const text = await page.locator('main').textContent();
    expect(text).toContain('无权查看');
    expect(text).not.toContain('秘密调研事由');
    await expectAccessible(page, 'not-found');
    await page.close();
  });

  it('someone whose password was reset must set her own before any page, then logs in again', async () => {
    const reset = await addUser(w.t, 'binzhou', { name: '赵敏', email: 'zhao@binzhou.cn', password: 'zhao-pass-1', access: 'member', orgUnitId: 'binzhou' });
    await w.t.request(`/v1/binzhou/people/${reset.id}`, { method: 'PATCH', token: await w.t.adminToken('binzhou'), json: { password: 'temp-pass-1' } });
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/tasks`);
    await logIn(page, 'zhao@binzhou.cn', 'temp-pass-1');
    expect(new URL(page.url()).pathname).toBe('/binzhou/password');
    await expectAccessible(page, 'password');
    await page.goto(`${w.base}/binzhou/records`);
    expect(new URL(page.url()).pathname).toBe('/binzhou/password');
    await page.getByLabel('当前密码').fill('temp-pass-1');
    await page.getByLabel('新密码（至少 8 位）').fill('zhao-own-22');
    await submit(page, '修改密码');
    expect(new URL(page.url()).pathname).toBe('/binzhou/login');
    await logIn(page, 'zhao@binzhou.cn', 'zhao-own-22');
    expect(new URL(page.url()).pathname).toBe('/binzhou/records');
    await page.close();
  });
});
