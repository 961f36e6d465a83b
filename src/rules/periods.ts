/**
 * Periods and due dates, pure. All dates are calendar dates in the tenant's
 * time zone; the engine turns them into instants where an instant is compared.
 */
import type { Campaign, DueSpec, PeriodSpec, Rule } from './schema.ts';
import { addDays, endOfMonthAfter, maxDate, minDate, monthStart } from '../lib/time.ts';

export interface Period {
  key: string;
  label: string;
  /** First and last day counted (clipped to the rule's active window). */
  start: string;
  end: string;
  /** The last day on which the work is on time. */
  due: string;
}

const cn = (n: number) => String(n);
/** 03-08 → 3月8日 */
const md = (monthDay: string) => `${Number(monthDay.slice(0, 2))}月${Number(monthDay.slice(3))}日`;

function natural(spec: PeriodSpec, from: string, to: string, campaigns: Campaign[]): Omit<Period, 'due'>[] {
  const out: Omit<Period, 'due'>[] = [];
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(to.slice(0, 4));
  switch (spec.type) {
    case 'month':
      for (let y = y0; y <= y1; y++)
        for (let m = 1; m <= 12; m++) {
          if (spec.months && !spec.months.includes(m)) continue;
          const start = monthStart(y, m);
          out.push({ key: start.slice(0, 7), label: `${y}年${cn(m)}月`, start, end: endOfMonthAfter(start) });
        }
      return out;
    case 'bimonth':
      for (let y = y0 - 1; y <= y1; y++)
        for (let m = spec.firstMonth; m <= 12; m += 2) {
          const start = monthStart(y, m);
          const end = endOfMonthAfter(start, 1);
          const m2 = m === 12 ? 1 : m + 1;
          out.push({ key: `${start.slice(0, 7)}/${end.slice(0, 7)}`, label: m === 12 ? `${y}年12月–${y + 1}年1月` : `${y}年${cn(m)}–${cn(m2)}月`, start, end });
        }
      return out;
    case 'quarter':
      for (let y = y0; y <= y1; y++)
        for (let q = 1; q <= 4; q++) {
          const start = monthStart(y, q * 3 - 2);
          out.push({ key: `${y}-Q${q}`, label: `${y}年第${q}季度`, start, end: endOfMonthAfter(start, 2) });
        }
      return out;
    case 'halfyear':
      for (let y = y0; y <= y1; y++) {
        out.push({ key: `${y}-H1`, label: `${y}年上半年`, start: `${y}-01-01`, end: `${y}-06-30` });
        out.push({ key: `${y}-H2`, label: `${y}年下半年`, start: `${y}-07-01`, end: `${y}-12-31` });
      }
      return out;
    case 'year':
      for (let y = y0; y <= y1; y++) {
        const w = spec.window;
        out.push(
          w
            ? { key: String(y), label: `${y}年${md(w.start)}至${md(w.end)}`, start: `${y}-${w.start}`, end: `${y}-${w.end}` }
            : { key: String(y), label: `${y}年`, start: `${y}-01-01`, end: `${y}-12-31` },
        );
      }
      return out;
    case 'campaign': {
      const c = campaigns.find((x) => x.id === spec.campaign)!;
      return [{ key: c.id, label: `${c.name}（${c.start}至${c.end}）`, start: c.start, end: c.end }];
    }
    case 'fixed':
      return [{ key: `${spec.start}/${spec.end}`, label: spec.label ?? `${spec.start}至${spec.end}`, start: spec.start, end: spec.end }];
  }
}

export function dueDate(due: DueSpec, period: { start: string; end: string }, campaigns: Campaign[]): string {
  if ('afterPeriodEnd' in due) return addDays(period.end, due.afterPeriodEnd);
  if ('date' in due) return due.date;
  if ('monthDay' in due) return `${period.end.slice(0, 4)}-${due.monthDay}`;
  const phaseId = 'phaseEnd' in due ? due.phaseEnd : due.phaseStart;
  const phase = campaigns.flatMap((c) => c.phases).find((p) => p.id === phaseId)!;
  return 'phaseEnd' in due ? phase.end : phase.start;
}

/**
 * The periods of a rule whose span, from the first day to the due date,
 * overlaps [from, to]; clipped to the rule's active window, each with its due date.
 * A period that ended before the window but falls due inside it is included
 * (December's report due on 5 January is in January's deadlines), also after
 * the rule's active window has closed.
 */
export function periodsOf(rule: Pick<Rule, 'period' | 'active' | 'due'>, from: string, to: string, campaigns: Campaign[]): Period[] {
  // Due dates fall at most a year (366 grace days) after a period ends: generate from that far back.
  const lo = maxDate(addDays(from, -367), rule.active.from);
  const hi = rule.active.until ? minDate(to, rule.active.until) : to;
  if (lo > hi && rule.period.type !== 'campaign' && rule.period.type !== 'fixed') return [];
  return natural(rule.period, lo, hi, campaigns)
    .filter((p) => p.end >= rule.active.from && (!rule.active.until || p.start <= rule.active.until))
    .map((p) => {
      let clipped = { ...p, start: maxDate(p.start, rule.active.from), end: rule.active.until ? minDate(p.end, rule.active.until) : p.end };
      // A two-month period cut to one month by the rule's window (B11's December) is that month.
      if (rule.period.type === 'bimonth' && clipped.start.slice(0, 7) === clipped.end.slice(0, 7) && p.start.slice(0, 7) !== p.end.slice(0, 7)) {
        const [y, m] = clipped.start.split('-').map(Number);
        clipped = { ...clipped, key: clipped.start.slice(0, 7), label: `${y}年${m}月` };
      }
      return { ...clipped, due: dueDate(rule.due, clipped, campaigns) };
    })
    // A period matters from its first day until its due date (which may fall after its last day).
    .filter((p) => maxDate(p.end, p.due) >= from && p.start <= to);
}
