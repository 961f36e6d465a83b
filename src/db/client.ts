// drizzle's libsql/http entry wraps whatever client it is handed (a file or an HTTP one). Its own
// import is @libsql/client/http, which the Worker uses anyway; the package's main entry would pull
// the WebSocket client into the worker bundle as well.
import { drizzle } from 'drizzle-orm/libsql/http';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type { Client } from '@libsql/client';
import * as schema from '../../db/schema.ts';

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

/** Wraps a libSQL client (file, HTTP or WebSocket: the entry chooses) in drizzle. */
export function makeDb(client: Client): Db {
  return drizzle(client, { schema });
}

export { schema };
