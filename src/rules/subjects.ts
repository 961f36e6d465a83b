/**
 * Who is judged in which period (counting convention 9), pure. People and
 * units carry spans of days (from/to, inclusive; null: open); a subject is
 * judged for a period if her matching spans, joined end to end, cover it:
 * from its first day (someone who joins mid-period is judged from her first
 * full period) or, if the tenant so chooses, from any day of it; and up to its
 * last counted day (someone who left before then is not judged for it, and
 * keeps every earlier result).
 */
import { addDays, minDate } from '../lib/time.ts';
import type { Period } from './periods.ts';

export interface Span {
  from: string | null;
  to: string | null;
}

/** How a tenant judges someone who joins mid-period (tenant config `newcomers.judgedFrom`). */
export type JudgedFrom = 'firstFullPeriod' | 'joiningPeriod';

/** The spans merged where they touch or overlap (a move between two matching posts is no gap). */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.from ?? '') < (b.from ?? '') ? -1 : (a.from ?? '') > (b.from ?? '') ? 1 : 0);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && (last.to === null || (s.from !== null && s.from <= addDays(last.to, 1)) || s.from === null)) {
      if (last.to !== null && (s.to === null || s.to > last.to)) last.to = s.to;
    } else out.push({ ...s });
  }
  return out;
}

/** The last day a period's work can be judged on: its end, or its due date if that comes first. */
export const lastCountedDay = (p: Pick<Period, 'end' | 'due'>) => minDate(p.end, p.due);

/** Whether merged spans put a subject in period `p`. */
export function judgedIn(merged: Span[], p: Pick<Period, 'start' | 'end' | 'due'>, judgedFrom: JudgedFrom): boolean {
  const last = lastCountedDay(p);
  const mustStartBy = judgedFrom === 'firstFullPeriod' ? p.start : last;
  return merged.some((s) => (s.from === null || s.from <= mustStartBy) && (s.to === null || s.to >= last));
}

/** The span that holds on day `day`, if any (which unit a person belonged to then). */
export const spanOn = <T extends Span>(spans: T[], day: string): T | undefined =>
  spans.find((s) => (s.from === null || s.from <= day) && (s.to === null || s.to >= day));
