/**
 * A second process that holds a tenant database's write lock, as a backup
 * tool or `sqlite3` with `BEGIN IMMEDIATE` would:
 *   node test/support/hold-lock.ts FILE MILLISECONDS
 * Prints "locked" once it holds the lock and "released" when it lets go.
 */
import { createClient } from '@libsql/client';

const [file, ms] = process.argv.slice(2);
const client = createClient({ url: `file:${file}`, timeout: 10_000 });
const tx = await client.transaction('write');
await tx.execute('select count(*) from people'); // a real read under the lock, like a backup would do
console.log('locked');
await new Promise((r) => setTimeout(r, Number(ms)));
await tx.rollback();
client.close();
console.log('released');
