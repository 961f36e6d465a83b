/**
 * Materialised results: every rule × subject × period as of the end of the
 * tenant-local day, kept in the tenant's database (`compliance_results`), so
 * that a compliance read is an indexed query, not an evaluation.
 *
 * How they stay right:
 * - Triggers on every table a rule reads note each write in `compliance_dirty`,
 *   in the write's own transaction, whoever writes (API, import, CLI, another
 *   process).
 * - Before a read answers, it brings the results up to date
 *   (`refreshCompliance`): the rules and subjects the noted writes touch are
 *   evaluated again (a person's rules for her records, a case for its record,
 *   a unit-level rule in full), or everything when the config or the org tree
 *   changed. A new day steps the rows forward (new-day.ts): only what depends
 *   on today is evaluated again. The API also refreshes right after each
 *   write, and a cron and the daily check at the start of each day, so readers
 *   rarely wait.
 * - Applying is guarded: the batch that replaces rows applies only if no
 *   refresh that saw later writes has applied meanwhile, so two processes
 *   refreshing at once never put older results over newer ones.
 */
import { inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import type { Db } from '../db/client.ts';
import { insertJsonRows } from '../db/json-rows.ts';
import { isDateOnly } from '../lib/dates.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { recordKinds, type RecordKind } from '../domain/records.ts';
import { addDays, daysBetween, endOfLocalDay, localDate, maxDate } from '../lib/time.ts';
import { casesDueSoon, currentSql, MAX_NEW_DAY_STEP, newDayPeriods, timeTouched } from './new-day.ts';
import { evaluateTenant, ruleParts, type ComplianceResult } from './engine.ts';
import { currentResults } from './heatmap.ts';
import type { Part, Rule } from './schema.ts';
import { complianceResults, complianceState } from '../../db/schema.ts';

/** Days before and after the day whose periods are kept: the default compliance window, and a quarter of deadlines ahead. */
export const PAST_DAYS = 366;
export const AHEAD_DAYS = 92;
/** Past this many subjects of one rule, a partial refresh evaluates the whole rule instead. */
const MAX_NAMED_SUBJECTS = 1000;

/** The periods kept: those whose span (first day to due date) overlaps this window. */
export const materialisedWindow = (day: string) => ({ from: addDays(day, -PAST_DAYS), to: addDays(day, AHEAD_DAYS) });
/** The instant results for `day` are as of: the last millisecond of that day in the tenant's zone. */
export const endOfDayInstant = (day: string, tz: string) => new Date(endOfLocalDay(day, tz).getTime() - 1);

const hashes = new WeakMap<TenantConfig, Promise<string>>();
/** A digest of the whole config (rules, campaigns, name): results made under another config are redone. */
export function configHash(tenant: TenantConfig): Promise<string> {
  let hash = hashes.get(tenant);
  if (!hash) {
    hash = crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(tenant))).then((buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join(''));
    hashes.set(tenant, hash);
  }
  return hash;
}

const kindsOf = (part: Part): RecordKind[] =>
  part.metric === 'ratio' ? [part.numerator.kind, part.denominator.kind] : part.metric === 'milestone' ? ['submission'] : [part.kind];
/** The tables a rule reads records from. */
export const tablesOf = (rule: Rule): Set<string> => new Set(rule.parts.flatMap(kindsOf).map((k) => recordKinds[k].table));
const isCaseRule = (rule: Rule) => rule.parts.some((p) => p.metric === 'perCase');

interface DirtyRow {
  seq: number;
  tbl: string;
  person_id: string | null;
  record_id: string | null;
}

/**
 * Which rules and subjects the noted writes touch (and the cases `named` asks for besides);
 * 'full' when everything must be evaluated again.
 */
export function planRefresh(rules: readonly Rule[], dirty: readonly Pick<DirtyRow, 'tbl' | 'person_id' | 'record_id'>[], named: readonly { rule_id: string; subject_id: string }[] = []): Map<string, string[] | 'all'> | 'full' {
  const work = new Map<string, Set<string> | 'all'>();
  const add = (ruleId: string, id: string | null | 'all') => {
    const held = work.get(ruleId);
    if (held === 'all' || id === null) return;
    if (id === 'all') return void work.set(ruleId, 'all');
    const set = held ?? new Set<string>();
    set.add(id);
    work.set(ruleId, set.size > MAX_NAMED_SUBJECTS ? 'all' : set);
  };
  const reads = new Map(rules.map((r) => [r.id, tablesOf(r)]));
  for (const d of dirty) {
    // The org tree decides who is judged where and what a subtree holds: everything again.
    if (d.tbl === 'org_units') return 'full';
    for (const rule of rules) {
      if (d.tbl === 'people') {
        if (rule.subject.type === 'people') add(rule.id, d.person_id);
      } else if (reads.get(rule.id)!.has(d.tbl)) {
        if (isCaseRule(rule)) add(rule.id, d.record_id);
        else if (rule.subject.type === 'people') add(rule.id, d.person_id);
        else add(rule.id, 'all'); // a unit's or the federation's figure: the rule is cheap to redo whole
      }
    }
  }
  for (const n of named) add(n.rule_id, n.subject_id);
  return new Map([...work].map(([id, set]) => [id, set === 'all' ? 'all' : [...set]]));
}

/** A stored result's columns; `body` is the result itself, written as its JSON text. */
type ResultRow = Omit<typeof complianceResults.$inferInsert, 'body'> & { body: ReturnType<typeof storedBody> };

/** Rule ids in the order people read them: L2 before L10. */
export const compareRuleIds = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Results as rows, each (rule, subject) marked with its current period as the heat map chooses it. */
export function resultRows(results: ComplianceResult[], tenant: TenantConfig, day: string): ResultRow[] {
  const ranks = new Map(tenant.rules.map((r) => r.id).sort(compareRuleIds).map((id, i) => [id, i]));
  // `current` looks at the periods of the default compliance window: those begun by today.
  const current = new Set(currentResults(results.filter((r) => r.period.start <= day), day));
  return results.map((r) => ({
    ruleId: r.ruleId,
    subjectType: r.subject.type,
    subjectId: r.subject.id,
    periodKey: r.period.key,
    ruleRank: ranks.get(r.ruleId) ?? 0,
    periodStart: r.period.start,
    spanEnd: maxDate(r.period.end, r.due),
    due: r.due,
    status: r.status,
    isCurrent: current.has(r),
    orgUnitId: r.subject.orgUnitId,
    personId: r.subject.personId,
    body: storedBody(r),
  }));
}

/** What every result of a rule repeats (title, source, interpretation) stays out of its stored body: the config has it. */
function storedBody(r: ComplianceResult): Omit<ComplianceResult, 'title' | 'source' | 'interpretation'> {
  const { title: _title, source: _source, interpretation: _interpretation, ...rest } = r;
  return rest;
}

export interface RefreshOutcome {
  /** fresh: nothing to do; partial: the touched rules and subjects; newDay: what a new day changes (new-day.ts); full: everything. */
  mode: 'fresh' | 'partial' | 'newDay' | 'full';
  day: string;
  rules: number;
  rows: number;
  /** False when another refresh that saw later writes applied first (its rows stand). */
  applied: boolean;
}

interface StateRow {
  day: string;
  config_hash: string;
  applied_seq: number;
  dirty: number;
}
const stateQuery = (db: Db) =>
  db.all<StateRow>(sql`select day, config_hash, applied_seq, exists (select 1 from compliance_dirty) as dirty from compliance_state where id = 1`);

const isFresh = (state: StateRow | undefined, day: string, hash: string) => !!state && state.day === day && state.config_hash === hash && !Number(state.dirty);

/**
 * Brings the materialised results up to date as of `now`'s tenant-local day: the touched rules
 * and subjects, or everything when the day or the config changed (or `full` is asked for).
 */
export async function refreshCompliance(db: Db, tenant: TenantConfig, now: Date, opts: { full?: boolean } = {}): Promise<RefreshOutcome> {
  return (await refreshKeeping(db, tenant, now, opts)).outcome;
}

/**
 * refreshCompliance, also handing back what a full evaluation produced (every result of the
 * materialised window as of the end of the day) when its rows were the ones applied: the daily
 * check plans its emails from them instead of evaluating the tenant a second time.
 */
export async function refreshKeeping(db: Db, tenant: TenantConfig, now: Date, opts: { full?: boolean } = {}): Promise<{ outcome: RefreshOutcome; results?: ComplianceResult[] }> {
  const day = localDate(now, tenant.timeZone);
  const hash = await configHash(tenant);
  const [[state], dirty] = await db.batch([stateQuery(db), db.all<DirtyRow>(sql`select seq, tbl, person_id, record_id from compliance_dirty order by seq`)]);
  if (!opts.full && isFresh(state, day, hash)) return { outcome: { mode: 'fresh', day, rules: 0, rows: 0, applied: true } };
  const seq = dirty.length ? Number(dirty[dirty.length - 1].seq) : Number(state?.applied_seq ?? 0);
  const sameBasis = !!state && state.day === day && state.config_hash === hash;
  const stepFrom = !opts.full && !sameBasis && state && state.config_hash === hash && isDateOnly(state.day) && state.day < day && daysBetween(state.day, day) <= MAX_NEW_DAY_STEP ? state.day : undefined;
  if (stepFrom) {
    const stepped = await refreshNewDay(db, tenant, { from: stepFrom, day, hash, seq, dirty });
    if (stepped) return { outcome: stepped };
  }
  const plan = opts.full || !sameBasis ? 'full' : planRefresh(tenant.rules as Rule[], dirty);
  const asOf = endOfDayInstant(day, tenant.timeZone);
  const window = materialisedWindow(day);

  const results = await evaluateTenant(db, tenant, { asOf, window, ...(plan === 'full' ? {} : { only: plan }) });
  const rows = resultRows(results, tenant, day);
  // Nobody has applied a refresh that saw later writes (or, for a partial one, another day or config).
  const guard = plan === 'full' ? guardSql(seq) : guardSql(seq, { day, hash });
  const deletes: BatchItem<'sqlite'>[] = plan === 'full' ? [db.run(sql`delete from compliance_results where ${guard}`)] : deleteSubjects(db, plan, guard);
  const outcome = await apply(db, rows, deletes, [], { day, hash, seq, guard });
  const done: RefreshOutcome = { mode: plan === 'full' ? 'full' : 'partial', day, rules: plan === 'full' ? tenant.rules.length : plan.size, rows: rows.length, applied: outcome };
  return plan === 'full' && done.applied ? { outcome: done, results } : { outcome: done };
}

/** The stored rows may be replaced: no refresh that saw later writes has applied (nor, given `basis`, one for another day or config). */
const guardSql = (seq: number, basis?: { day: string; hash: string }) =>
  basis
    ? sql`(select applied_seq <= ${seq} and day = ${basis.day} and config_hash = ${basis.hash} from compliance_state where id = 1)`
    : sql`(select applied_seq <= ${seq} from compliance_state where id = 1)`;

/** Deletes the stored rows of the rules and subjects a plan evaluates again. */
const deleteSubjects = (db: Db, plan: Map<string, string[] | 'all'>, guard: SQL): BatchItem<'sqlite'>[] =>
  [...plan].map(([ruleId, ids]) =>
    db.run(ids === 'all'
      ? sql`delete from compliance_results where rule_id = ${ruleId} and ${guard}`
      : sql`delete from compliance_results where rule_id = ${ruleId} and ${inArray(sql`subject_id`, ids)} and ${guard}`));

/**
 * One batch: the deletes, the new rows, `after` (still under the guard), the state moved to the
 * day and the noted writes folded in. True if it applied.
 */
async function apply(db: Db, rows: ResultRow[], deletes: BatchItem<'sqlite'>[], after: BatchItem<'sqlite'>[], s: { day: string; hash: string; seq: number; guard: SQL }): Promise<boolean> {
  // The state moves last, and only under the guard: every statement before it sees the guard as it
  // stood when the batch began. A batch whose guard failed moves nothing: its notes stay for the next refresh.
  const stateMoves = db.update(complianceState).set({ day: s.day, configHash: s.hash, appliedSeq: s.seq, refreshedAt: new Date().toISOString() }).where(sql`id = 1 and ${s.guard}`).returning({ id: complianceState.id });
  // Only the notes some applied refresh has folded in go.
  const folded = db.run(sql`delete from compliance_dirty where seq <= (select applied_seq from compliance_state where id = 1)`);
  const items: BatchItem<'sqlite'>[] = [...deletes, ...insertJsonRows(db, complianceResults, rows, { orReplace: true, where: s.guard }), ...after, stateMoves, folded];
  const answers = await db.batch(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return (answers[items.length - 2] as { id: number }[]).length > 0;
}

/**
 * The stored rows of day `from` brought to `day` (new-day.ts): the periods that still matter
 * evaluated again for everyone, the subjects of the noted writes, of records dated in between and
 * of open cases in earlier periods evaluated again in full, the rest kept. Undefined when the
 * changes need a full evaluation (the org tree changed).
 */
async function refreshNewDay(db: Db, tenant: TenantConfig, s: { from: string; day: string; hash: string; seq: number; dirty: DirtyRow[] }): Promise<RefreshOutcome | undefined> {
  const { from, day } = s;
  const tz = tenant.timeZone;
  const rules = tenant.rules as Rule[];
  const window = materialisedWindow(day);
  const periods = newDayPeriods(tenant, from, day, window, AHEAD_DAYS);
  const asOf = endOfDayInstant(day, tz);
  const none = sql`select null as tbl, null as person_id, null as record_id, null as rule_id, null as subject_id where 0`;
  const touchedSql = timeTouched(new Set(rules.flatMap((r) => [...tablesOf(r)])), { day: from, instant: endOfDayInstant(from, tz).toISOString() }, { day, instant: asOf.toISOString() });
  const [touched, cases] = await db.batch([db.all<DirtyRow>(touchedSql ?? none), db.all<{ rule_id: string; subject_id: string }>(casesDueSoon(tenant, rules.filter(isCaseRule), from, day) ?? none)]);
  const plan = planRefresh(rules, [...s.dirty, ...touched], cases);
  if (plan === 'full') return undefined;

  // The periods each rule evaluates again for everyone, and the subjects evaluated again in full.
  const again = rules.filter((r) => plan.get(r.id) !== 'all' && periods.get(r.id)!.again.size).map((r) => r.id);
  const live = again.length ? await evaluateTenant(db, tenant, { asOf, window, ruleIds: again, periods: (ruleId, p) => periods.get(ruleId)!.again.has(p.key) }) : [];
  const named = plan.size ? await evaluateTenant(db, tenant, { asOf, window, only: plan }) : [];
  const namedIds = new Map([...plan].map(([id, ids]) => [id, ids === 'all' ? undefined : new Set(ids)]));
  const rows = resultRows([...live.filter((r) => !namedIds.get(r.ruleId)?.has(r.subject.id)), ...named], tenant, day);

  const guard = guardSql(s.seq, { day: from, hash: s.hash });
  const deletes: BatchItem<'sqlite'>[] = [
    ...deleteSubjects(db, plan, guard),
    // Periods evaluated again, and periods that left the window.
    ...rules.filter((r) => plan.get(r.id) !== 'all').map((r) => {
      const { all, again: redo } = periods.get(r.id)!;
      return db.run(sql`delete from compliance_results where rule_id = ${r.id} and (${notInArray(sql`period_key`, all)} or ${inArray(sql`period_key`, [...redo])}) and ${guard}`);
    }),
  ];
  const applied = await apply(db, rows, deletes, [db.run(currentSql(day, guard))], { day, hash: s.hash, seq: s.seq, guard });
  return { mode: 'newDay', day, rules: new Set([...again, ...plan.keys()]).size, rows: rows.length, applied };
}

/**
 * Runs `queries` over up-to-date materialised results as of `now`'s day: in one read batch with the
 * freshness check when nothing needs doing (one round trip), else after a refresh.
 */
export async function readFresh<T extends [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]>(db: Db, tenant: TenantConfig, now: Date, queries: () => T): Promise<BatchResponse<T>> {
  const day = localDate(now, tenant.timeZone);
  const hash = await configHash(tenant);
  const [[state], ...answers] = await db.batch([stateQuery(db), ...queries()]);
  if (isFresh(state as StateRow | undefined, day, hash)) return answers as unknown as BatchResponse<T>;
  await refreshCompliance(db, tenant, now);
  return db.batch(queries()) as Promise<BatchResponse<T>>;
}

const commonsByTenant = new WeakMap<TenantConfig, Map<string, Pick<ComplianceResult, 'title' | 'source' | 'interpretation'>>>();
/** Each rule's title, source and interpretation, as the engine puts them in its results (ruleParts). */
export function ruleCommons(tenant: TenantConfig) {
  let parts = commonsByTenant.get(tenant);
  if (!parts) {
    parts = new Map((tenant.rules as Rule[]).map((r) => [r.id, ruleParts(r)]));
    commonsByTenant.set(tenant, parts);
  }
  return parts;
}

/**
 * A stored result as the engine made it, keys in the engine's order: the body, with its rule's
 * title, source and interpretation put back after `ruleId`. The rows are always of the config in
 * force (a new config refreshes them all before anyone reads), so the rule is there.
 */
export function storedResults(tenant: TenantConfig) {
  const commons = ruleCommons(tenant);
  return (row: { body: string }): ComplianceResult => {
    const { ruleId, ...rest } = JSON.parse(row.body) as ComplianceResult;
    return { ruleId, ...commons.get(ruleId), ...rest } as ComplianceResult;
  };
}
