/** Secrets shared by the worker suite's Worker bindings (vitest.config.ts) and its Node side (global-setup.ts). */
export const workerSuite = {
  registryToken: 'worker-suite-registry-token',
  groupToken: 'worker-suite-group-token',
  platformToken: 'worker-suite-platform-token-0123456789abcdef',
  turso: { org: 'women-fed', group: 'grassroots', apiToken: 'worker-suite-turso-api-token' },
};
