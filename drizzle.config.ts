import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate` to write migrations from db/schema.ts.
export default defineConfig({
  dialect: 'turso',
  schema: './db/schema.ts',
  out: './db/migrations',
});
