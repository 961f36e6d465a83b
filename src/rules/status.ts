/**
 * Status of one rule × subject × period, pure.
 *   before or on the due date: met | at_risk (short, and due within `atRiskDays` or no longer
 *                              feasible at a plausible pace) | on_track (short, still feasible, not due soon)
 *   after the due date:        met (met by the due date) | late (met since; never for rates, which are
 *                              final at the due date) | missed
 *   nothing to count:          not_applicable (a rate over an empty denominator): never "met", never emailed
 */
export type Status = 'met' | 'on_track' | 'at_risk' | 'missed' | 'late' | 'not_applicable';
export const statuses: Record<Status, string> = { met: '已达标', on_track: '进行中', at_risk: '临近期限未达标', missed: '逾期未完成', late: '逾期后完成', not_applicable: '不适用' };

export interface Target {
  min?: number;
  max?: number;
}

export const meetsTarget = (actual: number, t: Target) => (t.min === undefined || actual >= t.min) && (t.max === undefined || actual <= t.max);

export function statusOf(a: {
  metNow: boolean;
  metAtDue: boolean;
  today: string;
  due: string;
  atRiskDays: number;
  daysToDue: number;
  /** The rest can still be done by the due date at a plausible pace (default: yes). */
  feasible?: boolean;
  /** The figure is final at the due date (rates): after it, short is missed, never late. */
  finalAtDue?: boolean;
  notApplicable?: boolean;
}): Status {
  if (a.notApplicable) return 'not_applicable';
  if (a.today <= a.due) {
    if (a.metNow) return 'met';
    return a.daysToDue <= a.atRiskDays || a.feasible === false ? 'at_risk' : 'on_track';
  }
  if (a.metAtDue) return 'met';
  return a.metNow && !a.finalAtDue ? 'late' : 'missed';
}

/** `≥ 10`, `1–2`, `≤ 0`, for people to read. */
export function targetText(t: Target, unit = ''): string {
  if (t.min !== undefined && t.max !== undefined) return t.min === t.max ? `${t.min}${unit}` : `${t.min}–${t.max}${unit}`;
  if (t.min !== undefined) return `≥ ${t.min}${unit}`;
  if (t.max !== undefined) return `≤ ${t.max}${unit}`;
  return '—';
}
