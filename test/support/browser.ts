/**
 * The workbench in a real browser: the Node app served on loopback and
 * headless Chromium from the npm registry (@sparticuz/chromium's binary,
 * driven by playwright-core; nothing downloads a browser). Accessibility is
 * checked with axe-core inside the page; screenshots go to
 * test-artifacts/screenshots/ for people to look at (CJK fonts may be missing
 * on CI, so tests assert text and DOM, never pixels).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { makeTestApp, type TestApp } from './node-app.ts';

export const SCREENSHOT_DIR = join(import.meta.dirname, '../../test-artifacts/screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Flags @sparticuz/chromium sets for Lambda that a test must not have: one process (closing a page
 * ends the browser) and switched-off web security (same-origin checks are what the tests exercise).
 */
const SERVERLESS_ONLY = ['--single-process', '--disable-web-security', '--allow-running-insecure-content'];

export interface Workbench {
  t: TestApp;
  /** http://localhost:port — a secure context, so the Secure session cookie is kept. */
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWorkbench(opts: { now?: string } = {}): Promise<Workbench> {
  const t = await makeTestApp({ now: opts.now, assets: serveStatic({ root: 'public' }) });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://localhost:${(server.address() as AddressInfo).port}`;
  const browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args.filter((a) => !SERVERLESS_ONLY.includes(a)), headless: true });
  return {
    t,
    base,
    browser,
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
      t.close();
    },
  };
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** axe-core's serious and critical violations on the page as it is now (empty when it passes). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Saves the page at phone and desktop width: `<name>-360.png`, `<name>-1280.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize();
  for (const vp of [PHONE, DESKTOP]) {
    await page.setViewportSize(vp);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${vp.width}.png`), fullPage: true });
  }
  if (size) await page.setViewportSize(size);
}

/** Clicks a form's button and waits for the page the form leads to. */
export async function submit(page: Page, button: string) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
}

/** Fills in the login form on the page and sends it. */
export async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await submit(page, '登录');
}

/** No serious or critical accessibility problem on the page; then its screenshots. */
export async function expectAccessible(page: Page, name: string) {
  expect(await accessibilityProblems(page), name).toEqual([]);
  await screenshots(page, name);
}
