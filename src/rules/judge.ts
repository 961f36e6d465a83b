/**
 * One part of a rule, judged from its figures: pure. Whether it is met now
 * and at the due date, and what a person reads about it.
 */
import { recordKinds, type FieldDef, type KindDef } from '../domain/records.ts';
import type { Part } from './schema.ts';
import type { PartRow } from './sql.ts';
import { meetsTarget, targetText } from './status.ts';

export interface PartResult {
  label: string;
  metric: Part['metric'];
  target: number | null;
  actual: number | null;
  targetText: string;
  actualText: string;
  met: boolean;
  missing: string[];
}

const fieldLabel = (def: KindDef, name: string) => (def.fields[name as keyof typeof def.fields] as FieldDef | undefined)?.label ?? name;

export function partLabel(part: Part): string {
  if (part.label) return part.label;
  switch (part.metric) {
    case 'count': return `${recordKinds[part.kind].label}数`;
    case 'sum': return `${recordKinds[part.kind].label}${part.field === 'daysInPeriod' ? '天数' : fieldLabel(recordKinds[part.kind], part.field)}`;
    case 'coverage': return `${recordKinds[part.kind].label}${fieldLabel(recordKinds[part.kind], part.field)}覆盖`;
    case 'ratio': return '比例';
    case 'milestone': return '专项工作完成';
    case 'perCase': return `${recordKinds[part.kind].label}按期办结`;
  }
}

/** A quota of days (the days a subject's trips cover in the period): it can become infeasible as the days run out. */
export const isDayQuota = (part: Part) => part.metric === 'sum' && part.field === 'daysInPeriod';

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const split = (v: unknown) => (typeof v === 'string' && v ? v.split(',') : []);

export interface JudgeContext {
  /** Calendar days left in which work still counts: today to the earlier of the period's end and the due date, inclusive (0 once past). */
  daysLeft: number;
  /** Today is after the due date. */
  afterDue: boolean;
}

export interface PartJudgement {
  now: PartResult;
  metAtDue: boolean;
  /** The part can still be met by the due date at a plausible pace (a day quota cannot outrun the calendar). */
  feasible: boolean;
  /** Nothing to count (a rate over an empty denominator). */
  notApplicable: boolean;
  /** The figure is final at the due date (rates): short then is missed, never late. */
  finalAtDue: boolean;
}

/** Pure: one part's figures → whether it is met now and at the due date, and what to show. */
export function judgePart(part: Exclude<Part, { metric: 'perCase' }>, get: (comp: string) => PartRow | undefined, ctx: JudgeContext): PartJudgement {
  const label = partLabel(part);
  const base = { label, metric: part.metric };
  const plain = { feasible: true, notApplicable: false, finalAtDue: false };
  switch (part.metric) {
    case 'count':
    case 'sum':
    case 'milestone': {
      const t = part.metric === 'milestone' ? { min: 1 } : { min: part.min, max: part.max };
      const unit = part.metric === 'milestone' ? '' : (part.unit ?? (part.metric === 'sum' && part.field === 'daysInPeriod' ? '天' : ''));
      const row = get('v');
      const now = num(row?.now_val);
      const due = num(row?.due_val);
      const met = meetsTarget(now, t);
      const missing = met
        ? []
        : part.metric === 'milestone'
          ? [`${label}尚未完成`]
          : t.max !== undefined && now > t.max
            ? [t.max === 0 ? `${label} ${now}${unit}（应为 0）` : `${label}超过上限 ${t.max}${unit}`]
            : [`${label}还差 ${(t.min ?? 0) - now}${unit}`];
      // A day quota needs as many calendar days as it is short: 60 days cannot fit in 20.
      const feasible = !isDayQuota(part) || met || (t.min ?? 0) - now <= ctx.daysLeft;
      return {
        ...plain,
        feasible,
        now: { ...base, target: t.min ?? t.max ?? null, actual: now, targetText: part.metric === 'milestone' ? '完成' : targetText(t, unit), actualText: part.metric === 'milestone' ? (met ? '已完成' : '未完成') : `${now}${unit}`, met, missing },
        metAtDue: meetsTarget(due, t),
      };
    }
    case 'coverage': {
      const row = get('v');
      const nowSet = new Set(split(row?.now_set));
      const dueSet = new Set(split(row?.due_set));
      const values = (recordKinds[part.kind].fields as Record<string, FieldDef>)[part.field]?.values ?? {};
      const missing = part.set.filter((x) => !nowSet.has(x)).map((x) => values[x] ?? x);
      return {
        ...plain,
        now: { ...base, target: part.set.length, actual: part.set.length - missing.length, targetText: `全部 ${part.set.length} 类`, actualText: `${part.set.length - missing.length} 类`, met: missing.length === 0, missing: missing.map((m) => `未覆盖：${m}`) },
        metAtDue: part.set.every((x) => dueSet.has(x)),
      };
    }
    case 'ratio': {
      const n = get('num');
      const d = get('den');
      const [nDue, dDue] = [num(n?.due_val), num(d?.due_val)];
      // A rate is final at the due date: after it, what is shown is the rate as it stood then.
      const [nNow, dNow] = ctx.afterDue ? [nDue, dDue] : [num(n?.now_val), num(d?.now_val)];
      const ok = (a: number, b: number) => b > 0 && a >= part.min * b - 1e-9;
      const ratio = dNow === 0 ? null : nNow / dNow;
      const pct = (x: number) => `${(Math.floor(x * 1000) / 10).toFixed(1)}%`;
      const met = ok(nNow, dNow);
      return {
        feasible: true,
        notApplicable: dNow === 0,
        finalAtDue: true,
        now: { ...base, target: part.min, actual: ratio, targetText: `≥ ${pct(part.min)}`, actualText: ratio === null ? '无可计算对象（0/0）' : `${pct(ratio)}（${nNow}/${dNow}）`, met, missing: met || dNow === 0 ? [] : [`${label} ${pct(ratio ?? 0)}，低于 ${pct(part.min)}`] },
        metAtDue: ok(nDue, dDue),
      };
    }
  }
}
