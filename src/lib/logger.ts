/**
 * One JSON line per event. Never pass request bodies, tokens, passwords or
 * personal details of petitioners and children here.
 */
export type Fields = Record<string, string | number | boolean | null | undefined>;
export interface Logger {
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

export function jsonLogger(write: (line: string) => void = (l) => console.log(l)): Logger {
  const emit = (level: string) => (event: string, fields: Fields = {}) =>
    write(JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
