/**
 * Dates and time zones. Storage: instants as UTC ISO text, calendar dates as
 * tenant-local `YYYY-MM-DD`. Zone conversion goes through @date-fns/tz;
 * the helpers below that add days or months work on plain calendar dates.
 */
import { TZDate } from '@date-fns/tz';

export const isoNow = (d: Date) => d.toISOString();

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** `YYYY-MM-DD HH:mm:ss` on the zone's wall clock (TZDate's getters read in its zone). */
function wallClock(t: number, tz: string): string {
  const d = new TZDate(t, tz);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The calendar date an instant falls on in a time zone. Requests ask for the same day over and over
 * (today), and a zone conversion is costly: the last day found per zone is kept with the instants it
 * spans, and an instant inside them needs no conversion.
 */
export function localDate(instant: Date, tz: string): string {
  const t = instant.getTime();
  const known = lastDay.get(tz);
  if (known && t >= known.from && t < known.to) return known.day;
  const day = wallClock(t, tz).slice(0, 10);
  lastDay.set(tz, { day, from: startOfLocalDay(day, tz).getTime(), to: endOfLocalDay(day, tz).getTime() });
  return day;
}
const lastDay = new Map<string, { day: string; from: number; to: number }>();

/** `2026-01-31 08:00` in the zone, for people to read. */
export function localDateTime(instant: Date, tz: string): string {
  return wallClock(instant.getTime(), tz).slice(0, 16);
}

/** `2026-01-31 08:00:05` in the zone: a timestamp in a spreadsheet. */
export function localTimestamp(instant: Date, tz: string): string {
  return wallClock(instant.getTime(), tz);
}

/** Day starts already worked out, by zone and date (every read asks for today's, the engine for each period's). */
const dayStarts = new Map<string, number>();
const DAY_STARTS_KEPT = 10_000;

/** The instant a local calendar day begins. */
export function startOfLocalDay(date: string, tz: string): Date {
  const key = `${tz} ${date}`;
  let t = dayStarts.get(key);
  if (t === undefined) {
    const [y, m, d] = date.split('-').map(Number);
    t = new TZDate(y, m - 1, d, 0, 0, 0, tz).getTime();
    if (dayStarts.size >= DAY_STARTS_KEPT) dayStarts.clear();
    dayStarts.set(key, t);
  }
  return new Date(t);
}

/** The instant of a wall-clock hour on a local calendar day, e.g. 08:00 Beijing time. */
export function atLocalHour(date: string, hour: number, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(new TZDate(y, m - 1, d, hour, 0, 0, tz).getTime());
}

/** The instant a local calendar day ends (= the next day begins): the exclusive end of a due date. */
export function endOfLocalDay(date: string, tz: string): Date {
  return startOfLocalDay(addDays(date, 1), tz);
}

const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);
const parts = (date: string) => date.split('-').map(Number) as [number, number, number];

export function addDays(date: string, n: number): string {
  const [y, m, d] = parts(date);
  return ymd(Date.UTC(y, m - 1, d + n));
}

/** Last day of the month `months` after the month of `date` (0: its own month). */
export function endOfMonthAfter(date: string, months = 0): string {
  const [y, m] = parts(date);
  return ymd(Date.UTC(y, m + months, 0));
}

export function monthStart(year: number, month: number): string {
  return ymd(Date.UTC(year, month - 1, 1));
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = parts(a);
  const [y2, m2, d2] = parts(b);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

export const minDate = (a: string, b: string) => (a < b ? a : b);
export const maxDate = (a: string, b: string) => (a > b ? a : b);

/** A calendar date as people write it: "2012年9月30日". */
export function cnDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
