import { createServer } from 'node:net';
import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { unstable_readConfig } from 'wrangler';
import { fileURLToPath } from 'node:url';
import { workerSuite } from './test/worker/suite.ts';

/** A port free now, for a server the worker suite's global setup starts later. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

// The worker suite's Worker gets its bindings from here, as Cloudflare gives them from wrangler.toml and
// secrets: the registry (a libSQL file served over HTTP by test/worker/global-setup.ts on a port fixed
// now), one group token for every tenant database, and SMTP. Queue consumers run with these bindings too.
process.env.WORKER_SUITE_REGISTRY_PORT ??= String(await freePort());
process.env.WORKER_SUITE_SMTP_PORT ??= String(await freePort());

// The worker suite resolves modules as the worker build does: wrangler.toml's [alias] (hono-openapi's
// run-time part only, no fetch polyfill), which the Workers plugin does not apply by itself.
const workerAliases = Object.fromEntries(
  Object.entries(unstable_readConfig({ config: 'wrangler.toml' }).alias ?? {}).map(([name, path]) => [name, fileURLToPath(new URL(String(path), import.meta.url))]),
);

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
        resolve: { alias: workerAliases },
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                JWT_SECRET: 'worker-suite-secret-0123456789abcdefghijklmnopqrstuvwxyz',
                PUBLIC_BASE_URL: 'https://grassroots.test',
                REGISTRY_URL: `http://127.0.0.1:${process.env.WORKER_SUITE_REGISTRY_PORT}`,
                REGISTRY_AUTH_TOKEN: workerSuite.registryToken,
                REGISTRY_CACHE_SECONDS: '0',
                LIBSQL_GROUP_AUTH_TOKEN: workerSuite.groupToken,
                SMTP_HOST: '127.0.0.1',
                SMTP_PORT: process.env.WORKER_SUITE_SMTP_PORT!,
                SMTP_SECURE: 'false',
                SMTP_FROM: 'noreply@grassroots.test',
                TENANT_JOB_RETRY_SECONDS: '0',
                PLATFORM_TOKEN: workerSuite.platformToken,
              },
            },
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
