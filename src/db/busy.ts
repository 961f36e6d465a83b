/**
 * A database that another process holds locked: the error the shared file
 * client throws when it has waited long enough, and how to recognise a busy
 * error from any driver. Runtime-neutral (no driver import), so the app and
 * the worker bundle can use it.
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
