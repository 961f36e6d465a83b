/**
 * The rule engine: for each rule, its periods and subjects, one SQL statement
 * that aggregates the records, and a pure step that turns the figures into
 * results. It reads people and org units (the subjects), never the records.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { recordKinds, type KindDef, type FieldDef } from '../domain/records.ts';
import { addDays, daysBetween, endOfLocalDay, localDate, startOfLocalDay } from '../lib/time.ts';
import { periodsOf, type Period } from './periods.ts';
import type { Part, Rule } from './schema.ts';
import { partSelects, ruleStatement, caseStatement, type Attribution, type PartRow, type SqlPeriod, type CaseRow } from './sql.ts';
import { meetsTarget, statusOf, targetText, type Status } from './status.ts';

export interface SubjectRef {
  type: 'person' | 'orgUnit' | 'tenant' | 'case';
  id: string;
  name: string;
  /** The unit the subject belongs to (scope checks, escalation). */
  orgUnitId: string | null;
  personId: string | null;
}

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

export interface ComplianceResult {
  ruleId: string;
  title: string;
  source: Rule['source'];
  interpretation?: string;
  subject: SubjectRef;
  period: { key: string; label: string; start: string; end: string };
  /** Last day that is on time (tenant-local) and the instant it ends. */
  due: string;
  dueEndsAt: string;
  status: Status;
  target: number | null;
  actual: number | null;
  targetText: string;
  actualText: string;
  missing: string[];
  parts: PartResult[];
}

export interface EvaluateOptions {
  asOf: Date;
  /** Periods whose span (first day to due date) overlaps this window of local dates. Default: the year up to asOf. */
  window?: { from: string; to: string };
  ruleIds?: string[];
}

interface PersonRow { id: string; name: string; duty: string | null; org_unit_id: string | null; level: string | null }
interface UnitRow { id: string; name: string; level: string; type: string; parent_id: string | null }

export const DEFAULT_AT_RISK_DAYS = 7;

export function atRiskDays(rule: Rule, tenant: TenantConfig): number {
  const before = rule.reminders?.before ?? tenant.reminderDefaults?.before ?? [DEFAULT_AT_RISK_DAYS];
  return before.length ? Math.max(...before) : DEFAULT_AT_RISK_DAYS;
}

function subjectsOf(rule: Rule, tenant: TenantConfig, people: PersonRow[], units: UnitRow[]): { attribution: Attribution; list: SubjectRef[] } {
  const s = rule.subject;
  switch (s.type) {
    case 'tenant':
      return { attribution: 'tenant', list: [{ type: 'tenant', id: '*', name: tenant.name, orgUnitId: tenant.orgUnits.id, personId: null }] };
    case 'orgUnits':
      return {
        attribution: 'orgUnit',
        list: units
          .filter((u) => s.match.some((m) => (!m.level || m.level.includes(u.level as never)) && (!m.type || m.type.includes(u.type as never))))
          .map((u) => ({ type: 'orgUnit', id: u.id, name: u.name, orgUnitId: u.id, personId: null })),
      };
    case 'people':
      return {
        attribution: 'person',
        list: people
          .filter((p) => p.duty && s.duty.includes(p.duty as never) && (!s.orgLevel || (p.level && s.orgLevel.includes(p.level as never))))
          .map((p) => ({ type: 'person', id: p.id, name: p.name, orgUnitId: p.org_unit_id, personId: p.id })),
      };
    case 'cases':
      return { attribution: 'tenant', list: [] };
  }
}

const fieldLabel = (def: KindDef, name: string) => (def.fields[name as keyof typeof def.fields] as FieldDef | undefined)?.label ?? name;

function partLabel(part: Part): string {
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

type Figures = Map<string, PartRow>;
const figKey = (part: number, comp: string, subject: string, period: number) => `${part}|${comp}|${subject}|${period}`;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const split = (v: unknown) => (typeof v === 'string' && v ? v.split(',') : []);

/** Pure: one part's figures → whether it is met now and at the due date, and what to show. */
export function judgePart(part: Exclude<Part, { metric: 'perCase' }>, get: (comp: string) => PartRow | undefined): { now: PartResult; metAtDue: boolean } {
  const label = partLabel(part);
  const base = { label, metric: part.metric };
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
      const missing = met ? [] : t.max !== undefined && now > t.max ? [`${label}超过上限 ${t.max}${unit}`] : [`${label}还差 ${(t.min ?? 0) - now}${unit}`];
      return {
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
        now: { ...base, target: part.set.length, actual: part.set.length - missing.length, targetText: `全部 ${part.set.length} 类`, actualText: `${part.set.length - missing.length} 类`, met: missing.length === 0, missing: missing.map((m) => `未覆盖：${m}`) },
        metAtDue: part.set.every((x) => dueSet.has(x)),
      };
    }
    case 'ratio': {
      const n = get('num');
      const d = get('den');
      const [nNow, dNow, nDue, dDue] = [num(n?.now_val), num(d?.now_val), num(n?.due_val), num(d?.due_val)];
      const ok = (a: number, b: number) => b === 0 || a >= part.min * b - 1e-9;
      const ratio = dNow === 0 ? null : nNow / dNow;
      const pct = (x: number) => `${(Math.floor(x * 1000) / 10).toFixed(1)}%`;
      const met = ok(nNow, dNow);
      return {
        now: { ...base, target: part.min, actual: ratio, targetText: `≥ ${pct(part.min)}`, actualText: ratio === null ? '0/0' : `${pct(ratio)}（${nNow}/${dNow}）`, met, missing: met ? [] : [`${label} ${pct(ratio ?? 0)}，低于 ${pct(part.min)}`] },
        metAtDue: ok(nDue, dDue),
      };
    }
  }
}

export async function evaluateTenant(db: Db, tenant: TenantConfig, opts: EvaluateOptions): Promise<ComplianceResult[]> {
  const tz = tenant.timeZone;
  const today = localDate(opts.asOf, tz);
  const window = opts.window ?? { from: addDays(today, -366), to: today };
  const rules = (tenant.rules as Rule[]).filter((r) => !opts.ruleIds || opts.ruleIds.includes(r.id));
  if (!rules.length) return [];

  const [people, units] = await Promise.all([
    db.all<PersonRow>(sql`select p.id, p.name, p.duty, p.org_unit_id, o.level from people p left join org_units o on o.id = p.org_unit_id where p.deleted_at is null`),
    db.all<UnitRow>(sql`select id, name, level, type, parent_id from org_units where deleted_at is null`),
  ]);

  // Zone conversions are the costly part of assembling results: one per distinct date.
  const dayEnds = new Map<string, string>();
  const dayEnd = (date: string) => {
    let v = dayEnds.get(date);
    if (v === undefined) dayEnds.set(date, (v = endOfLocalDay(date, tz).toISOString()));
    return v;
  };

  const results: ComplianceResult[] = [];
  for (const rule of rules) {
    const periods = periodsOf(rule, window.from, window.to, tenant.campaigns ?? []);
    if (!periods.length) continue;
    const sqlPeriods: SqlPeriod[] = periods.map((p, idx) => ({
      idx,
      key: p.key,
      startD: p.start,
      endD: p.end,
      dueD: p.due,
      nowD: today,
      startAt: startOfLocalDay(p.start, tz).toISOString(),
      endAt: dayEnd(p.end),
      dueAt: dayEnd(p.due),
      nowAt: opts.asOf.toISOString(),
    }));
    const commons = periods.map((p: Period) => ({
      ruleId: rule.id,
      title: rule.title,
      source: rule.source,
      ...(rule.interpretation ? { interpretation: rule.interpretation } : {}),
      period: { key: p.key, label: p.label, start: p.start, end: p.end },
      due: p.due,
      dueEndsAt: dayEnd(p.due),
    }));
    const riskDays = atRiskDays(rule, tenant);

    const casePart = rule.parts.find((p) => p.metric === 'perCase');
    if (casePart && casePart.metric === 'perCase') {
      const rows = await db.all<CaseRow>(caseStatement(sqlPeriods, casePart));
      for (const row of rows) {
        const p = periods[row.period];
        const due = row.due ?? p.due;
        const done = row.done;
        const metNow = done !== null && done <= today;
        const label = partLabel(casePart);
        results.push({
          ...commons[row.period],
          due,
          dueEndsAt: dayEnd(due),
          subject: { type: 'case', id: row.id, name: row.label, orgUnitId: row.org_unit_id, personId: row.person_id },
          status: statusOf({ metNow, metAtDue: done !== null && done <= due, today, due, atRiskDays: riskDays, daysToDue: daysBetween(today, due) }),
          target: null,
          actual: null,
          targetText: `${due} 前办结`,
          actualText: done ? `${done} 办结` : '未办结',
          missing: metNow ? [] : ['尚未办结'],
          parts: [{ label, metric: 'perCase', target: null, actual: null, targetText: `${due} 前办结`, actualText: done ? `${done} 办结` : '未办结', met: metNow, missing: metNow ? [] : ['尚未办结'] }],
        });
      }
      continue;
    }

    const { attribution, list } = subjectsOf(rule, tenant, people, units);
    if (!list.length) continue;
    const selects = rule.parts.flatMap((part, i) => partSelects(part, i, attribution));
    const needsClosure = rule.parts.some((p) => p.metric !== 'milestone' && p.metric !== 'perCase' && (p.metric === 'ratio' ? p.numerator.scope === 'subtree' || p.denominator.scope === 'subtree' : p.scope === 'subtree'));
    const rows = await db.all<PartRow>(ruleStatement(sqlPeriods, selects, needsClosure));
    const figures: Figures = new Map(rows.map((r) => [figKey(Number(r.part), r.comp, String(r.subject), Number(r.period)), r]));

    for (const [pi, p] of periods.entries()) {
      const daysToDue = daysBetween(today, p.due);
      for (const subject of list) {
        const judged = rule.parts.map((part, i) =>
          judgePart(part as Exclude<Part, { metric: 'perCase' }>, (comp) => figures.get(figKey(i, comp, subject.id, pi))),
        );
        const pick = rule.combine === 'any' ? (xs: boolean[]) => xs.some(Boolean) : (xs: boolean[]) => xs.every(Boolean);
        const metNow = pick(judged.map((j) => j.now.met));
        const metAtDue = pick(judged.map((j) => j.metAtDue));
        const single = judged.length === 1 ? judged[0].now : undefined;
        const metParts = judged.filter((j) => j.now.met).length;
        results.push({
          ...commons[pi],
          subject,
          status: statusOf({ metNow, metAtDue, today, due: p.due, atRiskDays: riskDays, daysToDue }),
          target: single ? single.target : rule.combine === 'any' ? 1 : judged.length,
          actual: single ? single.actual : metParts,
          targetText: single ? single.targetText : rule.combine === 'any' ? '任一项达标' : `${judged.length} 项全部达标`,
          actualText: single ? single.actualText : `${metParts}/${judged.length} 项达标`,
          missing: metNow ? [] : judged.flatMap((j) => j.now.missing),
          parts: judged.map((j) => j.now),
        });
      }
    }
  }
  return results;
}
