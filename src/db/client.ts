import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import type { Client } from '@libsql/client';
import * as schema from '../../db/schema.ts';

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

/** Wraps a libSQL client (file, HTTP or WebSocket: the entry chooses) in drizzle. */
export function makeDb(client: Client): Db {
  return drizzle(client, { schema });
}

export { schema };
