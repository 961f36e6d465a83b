/**
 * The rule engine: for each rule, its periods and subjects, one SQL statement
 * that aggregates the records, and a pure step that turns the figures into
 * results. It reads people and org units (the subjects), never the records.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { addDays, daysBetween, endOfLocalDay, localDate, startOfLocalDay } from '../lib/time.ts';
import { periodsOf, type Period } from './periods.ts';
import type { Part, Rule } from './schema.ts';
import { partSelects, ruleStatement, caseStatement, type Attribution, type PartRow, type SqlPeriod, type CaseRow } from './sql.ts';
import { statusOf, type Status } from './status.ts';
import { judgePart, partLabel, type PartResult } from './judge.ts';
import { judgedIn, lastCountedDay, mergeSpans, spanOn, type JudgedFrom, type Span } from './subjects.ts';

export type { PartResult } from './judge.ts';

export interface SubjectRef {
  type: 'person' | 'orgUnit' | 'tenant' | 'case';
  id: string;
  name: string;
  /** The unit the subject belongs to (scope checks, escalation). */
  orgUnitId: string | null;
  personId: string | null;
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
  /**
   * A partial re-evaluation: only these rules, each for all its subjects or only the subjects named
   * (people, cases or units by id). Each subject named gets all its periods in the window.
   */
  only?: ReadonlyMap<string, readonly string[] | 'all'>;
  /** Only the periods (of the window) this says yes to: a new day's re-evaluation (new-day.ts). */
  periods?: (ruleId: string, period: Period) => boolean;
}

interface AssignmentRow { person_id: string; name: string; duty: string | null; org_unit_id: string | null; level: string | null; from_date: string | null; to_date: string | null; deleted_on: string | null }
interface UnitRow { id: string; name: string; level: string; type: string; established_on: string | null; deleted_on: string | null }

export const DEFAULT_AT_RISK_DAYS = 7;

export function atRiskDays(rule: Rule, tenant: TenantConfig): number {
  const before = rule.reminders?.before ?? tenant.reminderDefaults?.before ?? [DEFAULT_AT_RISK_DAYS];
  return before.length ? Math.max(...before) : DEFAULT_AT_RISK_DAYS;
}

/** A possible subject of a rule and the days on which it was one (per unit, for a person who moved). */
interface Candidate {
  ref: SubjectRef;
  spans: (Span & { orgUnitId: string | null })[];
  merged: Span[];
}

function candidatesOf(rule: Rule, tenant: TenantConfig, assignments: AssignmentRow[], units: UnitRow[]): { attribution: Attribution; list: Candidate[] } {
  const s = rule.subject;
  const always: Span[] = [{ from: null, to: null }];
  switch (s.type) {
    case 'tenant':
      return { attribution: 'tenant', list: [{ ref: { type: 'tenant', id: '*', name: tenant.name, orgUnitId: tenant.orgUnits.id, personId: null }, spans: [{ from: null, to: null, orgUnitId: tenant.orgUnits.id }], merged: always }] };
    case 'orgUnits':
      return {
        attribution: 'orgUnit',
        list: units
          .filter((u) => s.match.some((m) => (!m.level || m.level.includes(u.level as never)) && (!m.type || m.type.includes(u.type as never))))
          .map((u) => {
            const span = { from: u.established_on, to: u.deleted_on, orgUnitId: u.id };
            return { ref: { type: 'orgUnit', id: u.id, name: u.name, orgUnitId: u.id, personId: null }, spans: [span], merged: [span] };
          }),
      };
    case 'people': {
      const matches = [{ duty: s.duty, orgLevel: s.orgLevel }, ...(s.also ?? [])];
      const byPerson = new Map<string, Candidate>();
      for (const a of assignments) {
        if (!a.duty || !matches.some((m) => m.duty.includes(a.duty as never) && (!m.orgLevel || (a.level !== null && m.orgLevel.includes(a.level as never))))) continue;
        let c = byPerson.get(a.person_id);
        if (!c) byPerson.set(a.person_id, (c = { ref: { type: 'person', id: a.person_id, name: a.name, orgUnitId: a.org_unit_id, personId: a.person_id }, spans: [], merged: [] }));
        // Someone removed without her assignment closed (older data): her last day is the day she was removed.
        c.spans.push({ from: a.from_date, to: a.to_date ?? a.deleted_on, orgUnitId: a.org_unit_id });
      }
      for (const c of byPerson.values()) c.merged = mergeSpans(c.spans);
      return { attribution: 'person', list: [...byPerson.values()] };
    }
    case 'cases':
      return { attribution: 'tenant', list: [] };
  }
}

/** The subjects judged in one period, each with the unit it belonged to then. */
function subjectsIn(list: Candidate[], p: Period, judgedFrom: JudgedFrom): SubjectRef[] {
  const out: SubjectRef[] = [];
  for (const c of list) {
    if (!judgedIn(c.merged, p, judgedFrom)) continue;
    const span = spanOn(c.spans, lastCountedDay(p));
    out.push(span && span.orgUnitId !== c.ref.orgUnitId ? { ...c.ref, orgUnitId: span.orgUnitId } : c.ref);
  }
  return out;
}

type Figures = Map<string, PartRow>;
const figKey = (part: number, comp: string, subject: string, period: number) => `${part}|${comp}|${subject}|${period}`;

/** What every result of a rule carries from the rule itself, right after its id: title, source, interpretation. */
export const ruleParts = (rule: Rule): Pick<ComplianceResult, 'title' | 'source' | 'interpretation'> => ({
  title: rule.title,
  source: rule.source,
  ...(rule.interpretation ? { interpretation: rule.interpretation } : {}),
});

export async function evaluateTenant(db: Db, tenant: TenantConfig, opts: EvaluateOptions): Promise<ComplianceResult[]> {
  const tz = tenant.timeZone;
  const today = localDate(opts.asOf, tz);
  const window = opts.window ?? { from: addDays(today, -366), to: today };
  const rules = (tenant.rules as Rule[]).filter((r) => (!opts.ruleIds || opts.ruleIds.includes(r.id)) && (!opts.only || opts.only.has(r.id)));
  if (!rules.length) return [];

  // Everyone who ever held a duty, removed people included: a past period is judged on the people of that period.
  // People with no recorded history (entered before it was kept) count with their current unit and duty, since always.
  const [assignments, units] = await Promise.all([
    db.all<AssignmentRow>(sql`select p.id as person_id, p.name, a.duty, a.org_unit_id, o.level, a.from_date, a.to_date, p.deleted_at as deleted_on
      from people p join person_assignments a on a.person_id = p.id left join org_units o on o.id = a.org_unit_id
      union all
      select p.id, p.name, p.duty, p.org_unit_id, o.level, null, null, p.deleted_at
      from people p left join org_units o on o.id = p.org_unit_id
      where not exists (select 1 from person_assignments x where x.person_id = p.id)`),
    db.all<UnitRow>(sql`select id, name, level, type, established_on, deleted_at as deleted_on from org_units`),
  ]);
  // Removal instants → the tenant-local day on which the person or unit was removed.
  for (const row of [...assignments, ...units]) if (row.deleted_on) row.deleted_on = localDate(new Date(row.deleted_on), tz);
  const judgedFrom: JudgedFrom = tenant.newcomers?.judgedFrom ?? 'firstFullPeriod';

  // Zone conversions are the costly part of assembling results: one per distinct date.
  const dayEnds = new Map<string, string>();
  const dayEnd = (date: string) => {
    let v = dayEnds.get(date);
    if (v === undefined) dayEnds.set(date, (v = endOfLocalDay(date, tz).toISOString()));
    return v;
  };

  const results: ComplianceResult[] = [];
  for (const rule of rules) {
    const inWindow = periodsOf(rule, window.from, window.to, tenant.campaigns ?? []);
    const periods = opts.periods ? inWindow.filter((p) => opts.periods!(rule.id, p)) : inWindow;
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
      ...ruleParts(rule),
      period: { key: p.key, label: p.label, start: p.start, end: p.end },
      due: p.due,
      dueEndsAt: dayEnd(p.due),
    }));
    const riskDays = atRiskDays(rule, tenant);
    const restricted = opts.only?.get(rule.id);
    const onlyIds = restricted === 'all' ? undefined : restricted;

    const casePart = rule.parts.find((p) => p.metric === 'perCase');
    if (casePart && casePart.metric === 'perCase') {
      const rows = await db.all<CaseRow>(caseStatement(sqlPeriods, casePart, onlyIds));
      for (const row of rows) {
        const p = periods[row.period];
        // A case without its own deadline is judged by the period's, and says so: never silently.
        const noOwnDue = (casePart.dueField !== undefined || casePart.dueAfter !== undefined) && row.due === null;
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
          targetText: `${due} 前办结${noOwnDue ? '（未填写办理期限，按期间截止日计）' : ''}`,
          actualText: done ? `${done} 办结` : '未办结',
          missing: [...(metNow ? [] : ['尚未办结']), ...(noOwnDue ? ['未填写办理期限'] : [])],
          parts: [{ label, metric: 'perCase', target: null, actual: null, targetText: `${due} 前办结`, actualText: done ? `${done} 办结` : '未办结', met: metNow, missing: metNow ? [] : ['尚未办结'] }],
        });
      }
      continue;
    }

    const { attribution, list: everyone } = candidatesOf(rule, tenant, assignments, units);
    const named = onlyIds && new Set(onlyIds);
    const candidates = named ? everyone.filter((c) => named.has(c.ref.id)) : everyone;
    if (!candidates.length) continue;
    const selects = rule.parts.flatMap((part, i) => partSelects(part, i, attribution, onlyIds));
    const needsClosure = rule.parts.some((p) => p.metric !== 'milestone' && p.metric !== 'perCase' && (p.metric === 'ratio' ? p.numerator.scope === 'subtree' || p.denominator.scope === 'subtree' : p.scope === 'subtree'));
    const rows = await db.all<PartRow>(ruleStatement(sqlPeriods, selects, needsClosure));
    const figures: Figures = new Map(rows.map((r) => [figKey(Number(r.part), r.comp, String(r.subject), Number(r.period)), r]));

    for (const [pi, p] of periods.entries()) {
      const list = subjectsIn(candidates, p, judgedFrom);
      const daysToDue = daysBetween(today, p.due);
      const lastDay = p.end < p.due ? p.end : p.due;
      const ctx = { daysLeft: Math.max(0, daysBetween(today < p.start ? p.start : today, lastDay) + 1), afterDue: today > p.due };
      for (const subject of list) {
        const all = rule.parts.map((part, i) =>
          judgePart(part as Exclude<Part, { metric: 'perCase' }>, (comp) => figures.get(figKey(i, comp, subject.id, pi)), ctx),
        );
        // Parts with nothing to count are left out; a rule with nothing to count at all is not_applicable.
        const judged = all.filter((j) => !j.notApplicable);
        const pick = rule.combine === 'any' ? (xs: boolean[]) => xs.some(Boolean) : (xs: boolean[]) => xs.every(Boolean);
        const metNow = judged.length > 0 && pick(judged.map((j) => j.now.met));
        const metAtDue = judged.length > 0 && pick(judged.map((j) => j.metAtDue));
        const feasible = judged.length === 0 || pick(judged.map((j) => j.feasible || j.now.met));
        const single = all.length === 1 ? all[0].now : undefined;
        const metParts = judged.filter((j) => j.now.met).length;
        results.push({
          ...commons[pi],
          subject,
          status: statusOf({
            metNow,
            metAtDue,
            today,
            due: p.due,
            atRiskDays: riskDays,
            daysToDue,
            feasible,
            finalAtDue: judged.some((j) => j.finalAtDue),
            notApplicable: judged.length === 0,
          }),
          target: single ? single.target : rule.combine === 'any' ? 1 : judged.length,
          actual: single ? single.actual : metParts,
          targetText: single ? single.targetText : rule.combine === 'any' ? '任一项达标' : `${judged.length} 项全部达标`,
          actualText: single ? single.actualText : `${metParts}/${judged.length} 项达标`,
          missing: metNow ? [] : judged.flatMap((j) => j.now.missing),
          parts: all.map((j) => j.now),
        });
      }
    }
  }
  return results;
}
