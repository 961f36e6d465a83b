/**
 * P2's baseline: bare Hono and libSQL answering the list read the project
 * answers, the same query on the same file, with nothing else (no auth, no
 * validation, no tenant). `node scripts/bench/bare-server.ts FILE PORT`.
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { createClient } from '@libsql/client';

const [file, port] = process.argv.slice(2);
const client = createClient({ url: `file:${file}` });
const app = new Hono().get('/household-visits', async (c) => {
  const { rows } = await client.execute({ sql: 'select * from household_visits where deleted_at is null order by id limit ?', args: [21] });
  return c.json({ items: rows.slice(0, 20), nextCursor: rows.length > 20 ? String(rows[19].id) : null });
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, () => console.log('ready'));
