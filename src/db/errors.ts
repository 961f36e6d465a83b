/**
 * Database errors the app tells apart: a database that another process holds
 * locked (DatabaseBusyError, which the shared file client throws once it has
 * waited long enough, and SQLITE_BUSY from any driver) and a unique
 * constraint. Runtime-neutral (no driver import), so the worker bundle can use it.
 */
/** The database stayed locked by another process for longer than this client waits. */
export class DatabaseBusyError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The database is locked by another process', options);
    this.name = 'DatabaseBusyError';
  }
}

const BUSY_CODE = /^SQLITE_BUSY/;

/** True for SQLITE_BUSY and its extended codes, wherever in the cause chain (drizzle wraps driver errors). */
export function isBusyError(err: unknown): boolean {
  for (let e = err as { code?: unknown; extendedCode?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof DatabaseBusyError) return true;
    if (BUSY_CODE.test(String(e.code ?? '')) || BUSY_CODE.test(String(e.extendedCode ?? ''))) return true;
  }
  return false;
}

/** A UNIQUE constraint failed (drizzle wraps the driver's error; its message stays out of responses and logs). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)/.test(String(e.message ?? e))) return true;
  }
  return false;
}

const UNREACHABLE_CODE = /^(SERVER_ERROR|HRANA_CLOSED_ERROR|HRANA_WEBSOCKET_ERROR|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/;

/** A remote database that did not answer, or answered with a server error (libSQL over HTTP): the request may be retried later. */
export function isUnreachableError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (UNREACHABLE_CODE.test(String(e.code ?? ''))) return true;
  }
  return false;
}
