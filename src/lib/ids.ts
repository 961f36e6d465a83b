/**
 * Record ids: ULIDs (time-ordered, so cursor pages follow creation order), monotonic within a
 * millisecond, so the ids of one batch sort in the order they were made. The random part comes
 * from WebCrypto, drawn 256 bytes at a time: ulid's own generator asks for one byte per character,
 * which made id generation the largest cost of a 20,000-row import.
 */
import { monotonicFactory } from 'ulid';

const pool = new Uint8Array(256);
let used = pool.length;
/** A uniform value in [0, 1) from a cryptographically random byte (ulid needs 32 evenly: 256 / 32). */
function randomFraction(): number {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  return pool[used++] / 256;
}

export const newId: () => string = monotonicFactory(randomFraction);
