/**
 * The one definition of a date a client may send, in a body, a query or a CSV
 * cell: a real calendar date (no 2026-02-31) within the years this service
 * keeps records for. Anything outside is a Chinese 400, never a 500 further in.
 */
import * as v from 'valibot';
import { msg } from './valibot-zh.ts';

/** First and last day a date may name. The documents start in 2012; a century either side is room enough. */
export const MIN_DATE = '1950-01-01';
export const MAX_DATE = '2100-12-31';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** `YYYY-MM-DD` naming a day that exists. */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** An ISO 8601 instant with a zone, on a day that exists. */
export function isInstant(s: string): boolean {
  const m = INSTANT.exec(s);
  return !!m && isCalendarDate(m[1]) && !Number.isNaN(Date.parse(s));
}

/** The UTC day of a date or instant, for the range check; undefined when it is neither (already reported). */
const dayOf = (s: string) => (isCalendarDate(s) ? s : isInstant(s) ? new Date(s).toISOString().slice(0, 10) : undefined);
const inRange = (s: string) => {
  const day = dayOf(s);
  return day === undefined || (day >= MIN_DATE && day <= MAX_DATE);
};
const range = msg(`日期须在 ${MIN_DATE} 至 ${MAX_DATE} 之间`, `must be between ${MIN_DATE} and ${MAX_DATE}`);

export const CalendarDate = v.pipe(
  v.string(),
  v.check(isCalendarDate, msg('不是有效的日期，应为 YYYY-MM-DD，例如 2012-04-21', 'not a valid date YYYY-MM-DD')),
  v.check(inRange, range),
);

/** Normalised to UTC ISO text. */
export const Instant = v.pipe(
  v.string(),
  v.check(isInstant, msg('时间须为带时区的 ISO 8601，例如 2012-04-20T23:59:00+08:00', 'an ISO 8601 instant with a zone')),
  v.check(inRange, range),
  v.transform((s) => new Date(s).toISOString()),
);

/** A calendar date (whose meaning the route states) or an instant with a zone; kept as sent. */
export const DateOrInstant = v.pipe(
  v.string(),
  v.check((s) => isCalendarDate(s) || isInstant(s), msg('应为日期 YYYY-MM-DD 或带时区的时间，例如 2012-04-21T08:00:00+08:00', 'a date YYYY-MM-DD or an ISO 8601 instant')),
  v.check(inRange, range),
);

export const isDateOnly = (s: string) => DATE.test(s);
