import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config drizzle.registry.config.ts`: migrations of the control plane (the tenant registry).
export default defineConfig({
  dialect: 'turso',
  schema: './db/registry-schema.ts',
  out: './db/registry-migrations',
});
