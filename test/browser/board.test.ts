/**
 * 督办看板 as a supervisor uses it at her desk: the heat map of her county,
 * a cell that changes when a cadre records her work, the drill-down to the
 * cell's list and to the person, the month's deadlines, the overdue list and
 * the CSV of each; and a member who is turned away.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, expectAccessible, logIn, PHONE, startWorkbench, type Workbench } from '../support/browser.ts';
import { addUser } from '../support/node-app.ts';

let w: Workbench;
let cadre: { id: string; token: string };
const SUPERVISOR = { email: 'du@binzhou.cn', password: 'super-pass-1' };

async function visit(n: number) {
  const h = await w.t.request('/v1/binzhou/households', { method: 'POST', token: cadre.token, json: { orgUnitId: 'bincheng', address: `滨城区某村${n}号` } });
  const household = ((await h.json()) as { id: string }).id;
  const v = await w.t.request('/v1/binzhou/household-visits', { method: 'POST', token: cadre.token, json: { householdId: household, visitedOn: `2012-05-${String(10 + n).padStart(2, '0')}`, categories: ['left_behind'] } });
  expect(v.status).toBe(201);
}

/** The heat-map cell of a row (org unit) and a rule. */
const cell = (page: Page, unit: string, rule: string) => page.locator(`tr[data-unit="${unit}"] td[data-rule="${rule}"]`);

beforeAll(async () => {
  w = await startWorkbench({ now: '2012-06-01T02:00:00.000Z' });
  cadre = await addUser(w.t, 'binzhou', { name: '孙丽', email: 'sun@binzhou.cn', password: 'cadre-pass-2', access: 'member', duty: 'office_cadre', orgUnitId: 'bincheng', dutyFrom: '2012-04-01' });
  await addUser(w.t, 'binzhou', { name: '周督导', ...SUPERVISOR, access: 'supervisor', orgUnitId: 'bincheng' });
  for (let i = 1; i <= 9; i++) await visit(i);
}, 120_000);
afterAll(async () => w?.close());

describe('督办看板: a supervisor follows her county', () => {
  it('B3 in the county row: the supervisor sees 0 of 1 cadres at 9 visits, the cadre records the tenth, and the cell turns met (1/1)', async () => {
    const page = await w.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${w.base}/binzhou/board`);
    await logIn(page, SUPERVISOR.email, SUPERVISOR.password);
    expect(new URL(page.url()).pathname).toBe('/binzhou/board');
    await expect(page.locator('h1').textContent()).resolves.toBe('督办看板');
    const b3 = cell(page, 'bincheng', 'B3');
    await expect(b3.textContent()).resolves.toContain('0/1');
    await expect(b3.getAttribute('data-status')).resolves.not.toBe('met');
    await expect(page.locator('tr[data-unit="huimin"]').count()).resolves.toBe(0);
    await expectAccessible(page, 'board-heatmap');

    await visit(10);
    await page.reload();
    await expect(cell(page, 'bincheng', 'B3').textContent()).resolves.toContain('1/1');
    await expect(cell(page, 'bincheng', 'B3').getAttribute('data-status')).resolves.toBe('met');
    await page.close();
  });

  it("drill-down (the county row's B3 cell, one cadre): a cell opens its list with the same status, a name opens the person, a street opens its own map", async () => {
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/board`);
    await logIn(page, SUPERVISOR.email, SUPERVISOR.password);
    const shown = await cell(page, 'bincheng', 'B3').getAttribute('data-status');
    await Promise.all([page.waitForNavigation(), cell(page, 'bincheng', 'B3').getByRole('link').click()]);
    expect(new URL(page.url()).pathname).toBe('/binzhou/board/list');
    const row = page.locator(`tr[data-rule="B3"][data-subject="${cadre.id}"]`);
    await expect(page.locator('table.results tbody tr').count()).resolves.toBe(1);
    await expect(row.getAttribute('data-status')).resolves.toBe(shown);
    await expectAccessible(page, 'board-list');
    await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: '孙丽' }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/binzhou/board/people/${cadre.id}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('孙丽的考核事项');
    await expect(page.locator('li.task[data-rule="B3"]').getAttribute('data-status')).resolves.toBe(shown);
    await expectAccessible(page, 'board-person');
    await page.goto(`${w.base}/binzhou/board?unit=shizhong`);
    await expect(page.locator('.crumbs').textContent()).resolves.toContain('市中街道妇联');
    await page.close();
  });

  it("the month's deadlines and the overdue list show what the API counts, and 导出 CSV downloads the same rows", async () => {
    const page = await w.browser.newPage({ viewport: DESKTOP });
    await page.goto(`${w.base}/binzhou/board/calendar?month=2012-04`);
    await logIn(page, SUPERVISOR.email, SUPERVISOR.password);
    await expect(page.locator('table.calendar caption').textContent()).resolves.toBe('2012年4月');
    const apr20 = page.locator('#d-2012-04-20');
    await expect(apr20.textContent()).resolves.toContain('B10');
    await expectAccessible(page, 'board-calendar');

    await page.goto(`${w.base}/binzhou/board/overdue`);
    const overdue = page.locator('table.results tbody tr');
    const shown = await overdue.count();
    expect(shown).toBeGreaterThan(0);
    expect(new Set(await overdue.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))).toEqual(new Set(['missed']));
    await expectAccessible(page, 'board-overdue');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 CSV（当前内容）' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(csv[0]).toBe('规则,事项,依据,对象,期间,期限,状态,目标,完成,尚缺');
    expect(csv.length - 1).toBe(shown);
    await page.close();
  });

  it("a member cannot open the board or a person's page there: a 403 page in Chinese, no figures shown", async () => {
    const page = await w.browser.newPage({ viewport: PHONE });
    await page.goto(`${w.base}/binzhou/login`);
    await logIn(page, 'sun@binzhou.cn', 'cadre-pass-2');
    await expect(page.getByRole('link', { name: '督办看板' }).count()).resolves.toBe(0);
    for (const path of ['/binzhou/board', `/binzhou/board/people/${cadre.id}`, '/binzhou/board/overdue?format=csv']) {
      const res = await page.goto(`${w.base}${path}`);
      expect(res!.status(), path).toBe(403);
      await expect(page.locator('main').textContent()).resolves.toContain('督办看板仅供');
      await expect(page.locator('table').count()).resolves.toBe(0);
    }
    await expectAccessible(page, 'board-forbidden');
    await page.close();
  });
});
