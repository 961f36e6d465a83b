/**
 * A new day for the materialised results, without evaluating everything again.
 *
 * From the day the stored rows are for (`from`) to a later one (`day`), the engine's inputs that
 * depend on today change a stored result only in these ways, and only these are evaluated again:
 * - the status compares today with the due date: a result falling due in between turns past due
 *   (and a rate final), one coming within its rule's at-risk days turns at risk (statusMoves).
 *   Such periods are evaluated again for every subject, and such cases (their own deadline) again;
 * - a day quota counts the days of a trip under way up to today, and whether it can still be met
 *   depends on the days left: its periods that still matter on or after `from` are evaluated again;
 * - a record with a date (or an instant) in (`from`, `day`] is counted "by now" from its day:
 *   its person's (or case's, or the rule's) results are evaluated again, as after a write;
 * - periods come into the window (evaluated) and leave it (deleted).
 * Every other stored row stands. Each subject's current period is then chosen again over the rows
 * (currentSql). The equivalence test (test/node/materialised.test.ts) steps day by day.
 */
import { sql, type SQL } from 'drizzle-orm';
import { recordKinds, type KindDef } from '../domain/records.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { addDays, maxDate } from '../lib/time.ts';
import { atRiskDays } from './engine.ts';
import { isDayQuota } from './judge.ts';
import { periodsOf } from './periods.ts';
import type { Rule } from './schema.ts';

/** Past this many days since the stored day, a new day is evaluated in full. */
export const MAX_NEW_DAY_STEP = 31;

/**
 * Whether a result due on `due` may change status between the two days by the calendar alone: it
 * falls due in between (today passes its due date; a rate becomes final), or comes within the
 * rule's at-risk days (statusOf: short and due within them is at risk).
 */
export const statusMoves = (from: string, day: string, riskDays: number) => {
  const [riskFrom, riskTo] = [addDays(from, riskDays), addDays(day, riskDays)];
  return (due: string) => (due >= from && due < day) || (due > riskFrom && due <= riskTo);
};

/** A rule with a day quota: its figure grows each day of a trip under way, and its feasibility with the days left. */
const hasDayQuota = (rule: Rule) => rule.parts.some(isDayQuota);

/**
 * Per rule, the keys of its periods in the window and of those evaluated again for every subject:
 * a period whose status may move by the calendar (statusMoves); a period that came into the
 * window; for a day quota, every period that still matters on or after `from`. Every other
 * period's rows stand.
 */
export function newDayPeriods(tenant: TenantConfig, from: string, day: string, window: { from: string; to: string }, aheadDays: number): Map<string, { all: string[]; again: Set<string> }> {
  const out = new Map<string, { all: string[]; again: Set<string> }>();
  const before = addDays(from, aheadDays); // the old window's last day
  for (const rule of tenant.rules as Rule[]) {
    const moves = statusMoves(from, day, atRiskDays(rule, tenant));
    const quota = hasDayQuota(rule);
    const periods = periodsOf(rule, window.from, window.to, tenant.campaigns ?? []);
    const again = periods.filter((p) => moves(p.due) || p.start > before || (quota && maxDate(p.end, p.due) >= from));
    out.set(rule.id, { all: periods.map((p) => p.key), again: new Set(again.map((p) => p.key)) });
  }
  return out;
}

/**
 * The records that counting "by now" takes in between the two days: any date field in
 * (fromDay, day], any instant field in (fromInstant, instant], as rows like compliance_dirty's
 * (a unit's date comes as an org_units row: the tree changed, everything again).
 */
export function timeTouched(tables: ReadonlySet<string>, from: { day: string; instant: string }, to: { day: string; instant: string }): SQL | undefined {
  const byTable = new Map<string, SQL[]>();
  for (const def of Object.values(recordKinds) as KindDef[]) {
    if (!tables.has(def.table)) continue;
    const conds = byTable.get(def.table) ?? [];
    for (const f of Object.values(def.fields)) {
      const col = sql.raw(f.sql);
      if (f.type === 'date') conds.push(sql`(${col} > ${from.day} and ${col} <= ${to.day})`);
      if (f.type === 'instant') conds.push(sql`(${col} > ${from.instant} and ${col} <= ${to.instant})`);
    }
    byTable.set(def.table, conds);
  }
  const selects = [...byTable].filter(([, conds]) => conds.length).map(([table, conds]) => {
    const who = table === 'org_units' ? sql`null as person_id, null as record_id` : sql`r.person_id as person_id, r.id as record_id`;
    return sql`select ${table} as tbl, ${who} from ${sql.raw(table)} r where r.deleted_at is null and (${sql.join(conds, sql` or `)})`;
  });
  return selects.length ? sql.join(selects, sql` union all `) : undefined;
}

/** Case rules' cases whose own deadline lets their status move between the two days (statusMoves). */
export function casesDueSoon(tenant: TenantConfig, caseRules: readonly Rule[], from: string, day: string): SQL | undefined {
  const parts = caseRules.map((rule) => {
    const risk = atRiskDays(rule, tenant);
    return sql`select rule_id, subject_id from compliance_results where rule_id = ${rule.id} and subject_type = 'case'
      and ((due >= ${from} and due < ${day}) or (due > ${addDays(from, risk)} and due <= ${addDays(day, risk)}))`;
  });
  return parts.length ? sql.join(parts, sql` union all `) : undefined;
}

/** Sets is_current again on every stored row: each rule × subject's period due soonest on or after `day`, else the one due last (heatmap.ts currentResults), among those begun by `day`. */
export function currentSql(day: string, guard: SQL): SQL {
  return sql`update compliance_results as r set is_current = 1 - is_current
    where ${guard} and is_current <> (r.period_key is (
      select c.period_key from compliance_results c
      where c.rule_id = r.rule_id and c.subject_type = r.subject_type and c.subject_id = r.subject_id and c.period_start <= ${day}
      order by c.due >= ${day} desc, case when c.due >= ${day} then c.due end, c.due desc, c.period_start, c.period_key
      limit 1))`;
}
