import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-plugin';

// Four suites: unit (pure code), node (the Node app on real libSQL files),
// browser (the workbench's pages in headless Chromium), worker (src/worker.ts inside workerd, databases over libSQL's HTTP protocol).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 } },
      // The workbench in headless Chromium (@sparticuz/chromium + playwright-core), against the Node app on loopback.
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: { JWT_SECRET: 'worker-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz', PUBLIC_BASE_URL: 'https://grassroots.test' } },
          }),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          globalSetup: ['test/worker/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
