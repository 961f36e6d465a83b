/**
 * 管理 as the README's first steps go: the bootstrap admin logs in (and sets
 * her own password), adds a cadre; the cadre logs in on a phone, sets hers,
 * records a visit and sees her task change. Then the admin's other pages: an
 * org unit added to the tree, a CSV import refused row by row and then taken,
 * a failed email sent again, the audit log; and a member turned away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DESKTOP, expectAccessible, logIn, PHONE, startWorkbench, submit, type Workbench } from '../support/browser.ts';
import { addUser, countRows } from '../support/node-app.ts';
import { outbox, people } from '../../db/schema.ts';

let w: Workbench;
let admin: { email: string; password: string };
const ADMIN_OWN = 'admin-own-pass-1';
/** A second admin for the pages after the first steps, so that each test stands alone. */
const ADMIN2 = { email: 'admin2@binzhou.cn', password: 'admin2-pass-1' };
const db = () => w.t.deps.database(w.t.tenant('binzhou'));

beforeAll(async () => {
  w = await startWorkbench({ now: '2012-06-01T02:00:00.000Z' });
  admin = w.t.admins.binzhou;
  await addUser(w.t, 'binzhou', { name: '第二管理员', ...ADMIN2, access: 'admin', orgUnitId: 'binzhou' });
  await addUser(w.t, 'binzhou', { name: '普通成员', email: 'member@binzhou.cn', password: 'member-pass-1', access: 'member', orgUnitId: 'binzhou' });
  await db().insert(outbox).values({ id: '01JOUTBOXFAILED000000000001', key: 'test:failed:1', kind: 'reminder', ruleId: 'B3', recipientEmail: 'gone@binzhou.cn', subject: '【提醒】入户走访', textBody: '…', htmlBody: '<p>…</p>', status: 'failed', attempts: 5, nextAttemptAt: '2012-05-31T00:00:00.000Z', lastError: '550 mailbox unavailable', createdAt: '2012-05-30T00:00:00.000Z' });
  // As npm start leaves her: the bootstrap admin must set her own password at first login.
  await db().update(people).set({ mustChangePassword: true }).where(eq(people.email, admin.email));
}, 120_000);
afterAll(async () => w?.close());

describe('管理: the first steps of a new federation', () => {
  it('the bootstrap admin sets her password and adds a cadre; the cadre logs in on a phone, sets hers, records a household visit and sees B3 go from 0 to 1; the audit log names her', async () => {
    const desk = await w.browser.newPage({ viewport: DESKTOP });
    await desk.goto(`${w.base}/binzhou/admin`);
    await logIn(desk, admin.email, admin.password);
    expect(new URL(desk.url()).pathname).toBe('/binzhou/password');
    await desk.getByLabel('当前密码').fill(admin.password);
    await desk.getByLabel('新密码（至少 8 位）').fill(ADMIN_OWN);
    await submit(desk, '修改密码');
    await logIn(desk, admin.email, ADMIN_OWN);
    expect(new URL(desk.url()).pathname).toBe('/binzhou/admin');
    await expectAccessible(desk, 'admin');

    await Promise.all([desk.waitForNavigation(), desk.getByRole('link', { name: '人员', exact: true }).click()]);
    await Promise.all([desk.waitForNavigation(), desk.getByRole('link', { name: '新增人员' }).click()]);
    await expectAccessible(desk, 'admin-person-form');
    await desk.getByLabel('姓名').fill('陈静');
    await desk.getByLabel('邮箱（登录用）').fill('chen@binzhou.cn');
    await desk.getByLabel(/^初始密码/).fill('first-pass-1');
    await desk.getByLabel('职务').selectOption({ label: '机关干部' });
    await desk.getByLabel('所属组织').selectOption({ label: '滨城区妇联' });
    await desk.getByLabel(/^任职开始日期/).fill('2012-04-01');
    await submit(desk, '保存');
    expect(new URL(desk.url()).pathname).toBe('/binzhou/admin/people');
    await expect(desk.getByRole('status').textContent()).resolves.toBe('已保存。');
    await expect(desk.getByRole('link', { name: '陈静' }).count()).resolves.toBe(1);
    await expectAccessible(desk, 'admin-people');

    const phone = await (await w.browser.newContext({ viewport: PHONE })).newPage();
    await phone.goto(`${w.base}/binzhou/login`);
    await logIn(phone, 'chen@binzhou.cn', 'first-pass-1');
    expect(new URL(phone.url()).pathname).toBe('/binzhou/password');
    await phone.getByLabel('当前密码').fill('first-pass-1');
    await phone.getByLabel('新密码（至少 8 位）').fill('chen-own-pass-1');
    await submit(phone, '修改密码');
    await logIn(phone, 'chen@binzhou.cn', 'chen-own-pass-1');
    expect(new URL(phone.url()).pathname).toBe('/binzhou/tasks');
    const b3 = phone.locator('li.task[data-rule="B3"]');
    await expect(b3.locator('.actual').textContent()).resolves.toMatch(/^0/);
    await Promise.all([phone.waitForNavigation(), b3.getByRole('link', { name: '去登记' }).click()]);
    await Promise.all([phone.waitForNavigation(), phone.getByRole('link', { name: '先新增住户' }).click()]);
    await phone.getByLabel('住址').fill('滨城区新立河东路1号');
    await phone.getByLabel(/^所属组织\*?$/).selectOption('bincheng');
    await submit(phone, '保存');
    await phone.getByLabel(/^住户\*?$/).selectOption({ label: '滨城区新立河东路1号' });
    await phone.getByLabel('走访日期').fill('2012-06-01');
    await phone.getByLabel('留守').check();
    await submit(phone, '保存');
    expect(new URL(phone.url()).pathname).toBe('/binzhou/tasks');
    await expect(phone.locator('li.task[data-rule="B3"] .actual').textContent()).resolves.toMatch(/^1/);

    await desk.goto(`${w.base}/binzhou/admin/audit?resource=household-visits&action=create`);
    const row = desk.locator('table.records tbody tr').first();
    await expect(row.textContent()).resolves.toContain('陈静');
    await expect(row.textContent()).resolves.toContain('新增');
    await expectAccessible(desk, 'admin-audit');
    await desk.close();
    await phone.close();
  });

  it('an org unit added under a county appears in the tree; one without a name shows the field message and is not added', async () => {
    const page = await w.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${w.base}/binzhou/admin/org-units/new?parentId=bincheng`);
    await logIn(page, ADMIN2.email, ADMIN2.password);
    await expectAccessible(page, 'admin-org-unit-form');
    const before = await countRows(w.t, 'binzhou', 'org_units');
    await submit(page, '保存');
    await expect(page.locator('#e-name').textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    expect(await countRows(w.t, 'binzhou', 'org_units')).toBe(before);
    await page.getByLabel('名称').fill('杜店街道妇联');
    await page.getByLabel(/^组织ID/).fill('dudian');
    await submit(page, '保存');
    expect(new URL(page.url()).pathname).toBe('/binzhou/admin/org-units');
    await expect(page.locator('li[data-unit="bincheng"] li[data-unit="dudian"]').count()).resolves.toBe(1);
    await expectAccessible(page, 'admin-org-units');
    await page.close();
  });

  it('CSV import: a file with a bad row is refused with the line and the reason and imports nothing; the corrected file imports every row and shows in the audit log', async () => {
    const page = await w.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${w.base}/binzhou/admin/import`);
    await logIn(page, ADMIN2.email, ADMIN2.password);
    const before = await countRows(w.t, 'binzhou', 'households');
    const file = (rows: string[]) => ({ name: 'households.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF所属组织ID,住址\n${rows.join('\n')}\n`) });
    await page.getByLabel('记录类型').selectOption({ label: '住户' });
    await page.getByLabel('CSV 文件').setInputFiles(file(['bincheng,黄河五路1号', 'no-such-unit,黄河五路2号']));
    await submit(page, '导入');
    const errors = page.locator('table.import-errors tbody tr');
    await expect(errors.count()).resolves.toBe(1);
    await expect(errors.first().locator('td').first().textContent()).resolves.toBe('3');
    await expect(errors.first().textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    expect(await countRows(w.t, 'binzhou', 'households')).toBe(before);
    await expectAccessible(page, 'admin-import-errors');
    await page.getByLabel('CSV 文件').setInputFiles(file(['bincheng,黄河五路1号', 'bincheng,黄河五路2号']));
    await submit(page, '导入');
    await expect(page.getByRole('status').textContent()).resolves.toBe('已导入 2 条住户记录。');
    expect(await countRows(w.t, 'binzhou', 'households')).toBe(before + 2);
    // The import's audit entries (not field-by-field changes) read on the audit page too.
    const audit = await page.goto(`${w.base}/binzhou/admin/audit?resource=households`);
    expect(audit!.status()).toBe(200);
    await expect(page.locator('table.records tbody tr').count()).resolves.toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('the outbox shows a failed email with its error; 重新发送 queues it again (pending, attempts reset)', async () => {
    const page = await w.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${w.base}/binzhou/admin/outbox?status=failed`);
    await logIn(page, ADMIN2.email, ADMIN2.password);
    const row = page.locator('tr[data-outbox="01JOUTBOXFAILED000000000001"]');
    await expect(row.textContent()).resolves.toContain('550 mailbox unavailable');
    await expectAccessible(page, 'admin-outbox');
    await submit(page, '重新发送给 gone@binzhou.cn 的邮件');
    await expect(page.getByRole('status').textContent()).resolves.toBe('已重新排入发送队列。');
    const [stored] = await db().select().from(outbox).where(eq(outbox.id, '01JOUTBOXFAILED000000000001'));
    expect([stored.status, stored.attempts]).toEqual(['pending', 0]);
    await page.close();
  });

  it('a member cannot open 管理 (403 page, no people listed)', async () => {
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/login`);
    await logIn(page, 'member@binzhou.cn', 'member-pass-1');
    for (const path of ['/binzhou/admin', '/binzhou/admin/people', '/binzhou/admin/audit']) {
      const res = await page.goto(`${w.base}${path}`);
      expect(res!.status(), path).toBe(403);
      await expect(page.locator('main').textContent()).resolves.toContain('管理仅供管理员使用');
      await expect(page.locator('table').count()).resolves.toBe(0);
    }
    await page.close();
  });
});
