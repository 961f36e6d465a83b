/**
 * Rule parts → SQL aggregates. Every count, sum and coverage happens in the
 * database: one statement per rule (its parts joined by UNION ALL) over a
 * VALUES table of its periods. Columns and tables come from the record-kind
 * registry; every value from a config or a request is a bound parameter.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { recordKinds, type FieldDef, type KindDef, type RecordKind } from '../domain/records.ts';
import type { CountSpec, FilterValue, Part } from './schema.ts';

/** A period as the query sees it: local dates and UTC instants (exclusive ends). */
export interface SqlPeriod {
  idx: number;
  key: string;
  startD: string;
  endD: string;
  dueD: string;
  nowD: string;
  startAt: string;
  endAt: string;
  dueAt: string;
  nowAt: string;
}

export type Attribution = 'person' | 'orgUnit' | 'tenant';

export interface PartRow {
  part: number;
  comp: string;
  subject: string;
  period: number;
  now_val: number | null;
  due_val: number | null;
  now_set: string | null;
  due_set: string | null;
}

const raw = (s: string) => sql.raw(s);

export function periodsCte(periods: SqlPeriod[]): SQL {
  const rows = sql.join(
    periods.map((p) => sql`(${p.idx}, ${p.key}, ${p.startD}, ${p.endD}, ${p.dueD}, ${p.nowD}, ${p.startAt}, ${p.endAt}, ${p.dueAt}, ${p.nowAt})`),
    sql`, `,
  );
  return sql`periods(idx, key, start_d, end_d, due_d, now_d, start_at, end_at, due_at, now_at) as (values ${rows})`;
}

/**
 * Closure of the org tree as it stood on each period's last day (period, ancestor, descendant), for
 * `scope: subtree`: a unit moved under another parent counts for its old parent in past periods.
 * Units without recorded parent history use their current parent.
 */
export const closureCte = sql`edges(unit, parent, from_d, to_d) as (
    select org_unit_id, parent_id, from_date, to_date from org_unit_parents
    union all
    select id, parent_id, null, null from org_units o where not exists (select 1 from org_unit_parents x where x.org_unit_id = o.id)),
  closure(period, ancestor, descendant) as (
    select p.idx, u.id, u.id from periods p join org_units u
    union all
    select c.period, c.ancestor, e.unit from closure c join periods p on p.idx = c.period
      join edges e on e.parent = c.descendant and (e.from_d is null or e.from_d <= p.end_d) and (e.to_d is null or e.to_d >= p.end_d))`;

const field = (def: KindDef, name: string): FieldDef => {
  const f = def.fields[name as keyof typeof def.fields] as FieldDef | undefined;
  if (!f) throw new Error(`unknown field ${name}`); // configs are validated before they get here
  return f;
};

export function filterSql(def: KindDef, name: string, value: FilterValue): SQL {
  const f = field(def, name);
  const col = raw(f.sql);
  if (f.type === 'categories') {
    const values = typeof value === 'object' && 'in' in value ? value.in : [value as string];
    return sql`exists (select 1 from json_each(${col}) jf where jf.value in (${sql.join(values.map((x) => sql`${x}`), sql`, `)}))`;
  }
  if (typeof value === 'boolean') return sql`coalesce(${col}, 0) = ${value ? 1 : 0}`;
  if (typeof value === 'string' || typeof value === 'number') return sql`${col} = ${value}`;
  if ('in' in value) return sql`${col} in (${sql.join(value.in.map((x) => sql`${x}`), sql`, `)})`;
  if ('gte' in value) return sql`${col} >= ${value.gte}`;
  if ('lte' in value) return sql`${col} <= ${value.lte}`;
  if ('empty' in value) return sql`coalesce(trim(${col}), '') = ''`;
  return sql`coalesce(trim(${col}), '') <> ''`;
}

const whereSql = (def: KindDef, where: Record<string, FilterValue>) =>
  Object.entries(where).map(([k, val]) => filterSql(def, k, val));

/** Only the records of these people (a partial re-evaluation of a person rule); every record when absent. */
const onlySql = (attribution: Attribution, only: readonly string[] | undefined): SQL[] =>
  only && attribution === 'person' ? [inArray(sql`r.person_id`, [...only])] : [];

function subjectSql(attribution: Attribution, scope: CountSpec['scope']): { expr: SQL; join: SQL } {
  if (attribution === 'person') return { expr: sql`r.person_id`, join: sql`` };
  if (attribution === 'tenant') return { expr: sql`'*'`, join: sql`` };
  if (scope === 'subtree') return { expr: sql`c.ancestor`, join: sql` join closure c on c.descendant = r.org_unit_id and c.period = p.idx` };
  return { expr: sql`r.org_unit_id`, join: sql`` };
}

/** Whether a record's date field puts it in period `p`. */
function inPeriodSql(def: KindDef, spec: CountSpec, overlap: boolean): SQL {
  if (spec.matchPeriodBy === 'periodKey') return sql`r.period = p.key`;
  if (spec.matchPeriodBy === 'cumulative' && def.ongoing) {
    // Counts while it lasts: started by the period's end, not ended before its start.
    const end = raw(field(def, def.ongoing.end).sql);
    return sql`${raw(field(def, def.ongoing.start).sql)} <= p.end_d and (${end} is null or ${end} >= p.start_d)`;
  }
  if (overlap && def.range) {
    return sql`${raw(field(def, def.range.start).sql)} <= p.end_d and ${raw(field(def, def.range.end).sql)} >= p.start_d`;
  }
  const name = spec.dateField ?? def.dateField;
  if (!name) return sql`1 = 1`;
  const f = field(def, name);
  if (spec.matchPeriodBy === 'cumulative') return f.type === 'instant' ? sql`${raw(f.sql)} < p.end_at` : sql`${raw(f.sql)} <= p.end_d`;
  return f.type === 'instant' ? sql`${raw(f.sql)} >= p.start_at and ${raw(f.sql)} < p.end_at` : sql`${raw(f.sql)} between p.start_d and p.end_d`;
}

/**
 * `cutoff <= now` (which: 'now') or `cutoff <= due` (which: 'due'). A null cutoff never passes.
 * At the due date a record must also have been entered by then, unless its kind's date is its own
 * sending time: backdating turns missed into late, never into met.
 */
function cutoffSql(def: KindDef, spec: CountSpec, which: 'now' | 'due'): SQL {
  const entered = which === 'due' && !def.ownTime ? sql` and r.created_at < p.due_at` : sql``;
  const name = spec.cutoffField ?? spec.dateField ?? def.dateField;
  if (!name) return which === 'due' && !def.ownTime ? sql`r.created_at < p.due_at` : sql`1 = 1`;
  const f = field(def, name);
  if (f.type === 'instant') return which === 'now' ? sql`${raw(f.sql)} <= p.now_at` : sql`${raw(f.sql)} < p.due_at${entered}`;
  return which === 'now' ? sql`${raw(f.sql)} <= p.now_d` : sql`${raw(f.sql)} <= p.due_d${entered}`;
}

/**
 * A day quota: the distinct calendar days that a subject's spanning records
 * (trips) cover inside the period, up to the cutoff. Overlapping trips count
 * their shared days once: the clipped intervals are merged into islands
 * (gaps and islands with window functions) and the islands' lengths summed.
 * At the due date only trips entered by then count.
 */
function daysUnionSelect(partIdx: number, spec: CountSpec, attribution: Attribution, only?: readonly string[]): SQL {
  const def = recordKinds[spec.kind as RecordKind] as KindDef;
  const subject = subjectSql(attribution, spec.scope);
  const start = raw(field(def, def.range!.start).sql);
  const end = raw(field(def, def.range!.end).sql);
  const conds = [sql`r.deleted_at is null`, inPeriodSql(def, spec, true), ...whereSql(def, spec.where ?? {}), ...onlySql(attribution, only)];
  const clipped = (which: 'now' | 'due') => sql`select ${which} as which, ${subject.expr} as subject, p.idx as period,
      julianday(max(${start}, p.start_d)) as s, julianday(min(${end}, p.end_d, ${which === 'now' ? sql`p.now_d` : sql`p.due_d`})) as e
    from periods p join ${raw(def.table)} r on ${sql.join(conds, sql` and `)}${which === 'due' ? sql` and r.created_at < p.due_at` : sql``}${subject.join}`;
  return sql`select ${partIdx} as part, 'v' as comp, subject, period,
      sum(case when which = 'now' then e - s + 1 else 0 end) as now_val,
      sum(case when which = 'due' then e - s + 1 else 0 end) as due_val, null as now_set, null as due_set
    from (
      select which, subject, period, min(s) as s, max(e) as e from (
        select *, sum(case when prev_e is null or s > prev_e + 1 then 1 else 0 end)
            over (partition by which, subject, period order by s, e rows unbounded preceding) as grp
        from (
          select *, max(e) over (partition by which, subject, period order by s, e rows between unbounded preceding and 1 preceding) as prev_e
          from (${clipped('now')} union all ${clipped('due')}) where e >= s
        )
      ) group by which, subject, period, grp
    ) group by subject, period`;
}

interface SelectOptions {
  /** Coverage: collect which values of this set occur, instead of a number. */
  sets?: { fieldSql: string; set: string[] };
  /** The figure is a sum that may be rolled up from units to their ancestors. */
  additive?: boolean;
  /** Only these subjects' records (person rules). */
  only?: readonly string[];
}

function aggregateSelect(partIdx: number, comp: string, spec: CountSpec, attribution: Attribution, value: (which: 'now' | 'due') => SQL, opts: SelectOptions = {}): SQL {
  const def = recordKinds[spec.kind as RecordKind] as KindDef;
  const subject = subjectSql(attribution, spec.scope);
  const { sets } = opts;
  const conds = [sql`r.deleted_at is null`, inPeriodSql(def, spec, false), ...whereSql(def, spec.where ?? {}), ...onlySql(attribution, opts.only)];
  if (sets) {
    const setList = sql.join(sets.set.map((x) => sql`${x}`), sql`, `);
    return sql`select ${partIdx} as part, ${comp} as comp, ${subject.expr} as subject, p.idx as period,
      null as now_val, null as due_val,
      group_concat(distinct case when ${cutoffSql(def, spec, 'now')} then j.value end) as now_set,
      group_concat(distinct case when ${cutoffSql(def, spec, 'due')} then j.value end) as due_set
      from periods p join ${raw(def.table)} r on ${sql.join(conds, sql` and `)}${subject.join}
      join json_each(${raw(sets.fieldSql)}) j on j.value in (${setList})
      group by ${subject.expr}, p.idx`;
  }
  if (spec.scope === 'subtree' && attribution === 'orgUnit' && opts.additive) {
    // Sums roll up: aggregate per unit first, then add each unit's figure to its ancestors (one row per unit, not per record).
    return sql`select ${partIdx} as part, ${comp} as comp, c.ancestor as subject, s.period as period,
      sum(s.now_val) as now_val, sum(s.due_val) as due_val, null as now_set, null as due_set
      from (select r.org_unit_id as unit, p.idx as period, ${value('now')} as now_val, ${value('due')} as due_val
            from periods p join ${raw(def.table)} r on ${sql.join(conds, sql` and `)} group by r.org_unit_id, p.idx) s
      join closure c on c.descendant = s.unit and c.period = s.period
      group by c.ancestor, s.period`;
  }
  return sql`select ${partIdx} as part, ${comp} as comp, ${subject.expr} as subject, p.idx as period,
    ${value('now')} as now_val, ${value('due')} as due_val, null as now_set, null as due_set
    from periods p join ${raw(def.table)} r on ${sql.join(conds, sql` and `)}${subject.join}
    group by ${subject.expr}, p.idx`;
}

/** A count or sum that adds up across units (not a count of distinct things, not a largest value). */
const additive = (def: KindDef, spec: CountSpec) => !spec.maxOf && (spec.sumOf !== undefined || !def.identity || spec.distinct === false);

/**
 * A count: of distinct things where the kind says what a thing is (ten visits to one household are
 * one household); or, where the spec says so, the sum or the largest value of a numeric field.
 */
const countOf = (def: KindDef, spec: CountSpec) => (which: 'now' | 'due') => {
  const when = cutoffSql(def, spec, which);
  if (spec.sumOf) return sql`sum(case when ${when} then coalesce(${raw(field(def, spec.sumOf).sql)}, 0) else 0 end)`;
  if (spec.maxOf) return sql`coalesce(max(case when ${when} then ${raw(field(def, spec.maxOf).sql)} end), 0)`;
  return def.identity && spec.distinct !== false
    ? sql`count(distinct case when ${when} then ${raw(def.identity)} end)`
    : sql`sum(case when ${when} then 1 else 0 end)`;
};

/** The SELECTs for one part (two for a ratio: numerator and denominator). */
export function partSelects(part: Part, partIdx: number, attribution: Attribution, only?: readonly string[]): SQL[] {
  switch (part.metric) {
    case 'count': {
      const def = recordKinds[part.kind] as KindDef;
      return [aggregateSelect(partIdx, 'v', part, attribution, countOf(def, part), { additive: additive(def, part), only })];
    }
    case 'sum': {
      const def = recordKinds[part.kind] as KindDef;
      if (part.field === 'daysInPeriod') return [daysUnionSelect(partIdx, part, attribution, only)];
      const col = raw(field(def, part.field).sql);
      return [aggregateSelect(partIdx, 'v', part, attribution, (which) => sql`sum(case when ${cutoffSql(def, part, which)} then coalesce(${col}, 0) else 0 end)`, { additive: true, only })];
    }
    case 'coverage': {
      const def = recordKinds[part.kind] as KindDef;
      return [aggregateSelect(partIdx, 'v', part, attribution, () => sql`null`, { sets: { fieldSql: field(def, part.field).sql, set: part.set }, only })];
    }
    case 'ratio': {
      const num = recordKinds[part.numerator.kind] as KindDef;
      const den = recordKinds[part.denominator.kind] as KindDef;
      return [
        aggregateSelect(partIdx, 'num', part.numerator, attribution, countOf(num, part.numerator), { additive: additive(num, part.numerator), only }),
        aggregateSelect(partIdx, 'den', part.denominator, attribution, countOf(den, part.denominator), { additive: additive(den, part.denominator), only }),
      ];
    }
    case 'milestone': {
      const spec: CountSpec = { kind: 'submission', where: { type: 'milestone_report', milestone: part.milestone }, matchPeriodBy: 'date', scope: 'self' };
      return [aggregateSelect(partIdx, 'v', spec, attribution, countOf(recordKinds.submission, spec), { only })];
    }
    case 'perCase':
      throw new Error('perCase parts are evaluated by caseSelect');
  }
}

/** One statement for all parts of a rule. */
export function ruleStatement(periods: SqlPeriod[], selects: SQL[], needsClosure: boolean): SQL {
  const ctes = needsClosure ? sql`with recursive ${periodsCte(periods)}, ${closureCte}` : sql`with ${periodsCte(periods)}`;
  return sql`${ctes} ${sql.join(selects, sql` union all `)}`;
}

export interface CaseRow {
  id: string;
  label: string;
  person_id: string | null;
  org_unit_id: string | null;
  period: number;
  due: string | null;
  done: string | null;
}

/** One row per case (a perCase rule): its own due date and the day it was done; only the cases `only` names, if given. */
export function caseStatement(periods: SqlPeriod[], part: Extract<Part, { metric: 'perCase' }>, only?: readonly string[]): SQL {
  const def = recordKinds[part.kind] as KindDef;
  const latest = part.doneFields.length === 1 ? raw(field(def, part.doneFields[0]).sql) : sql`max(${sql.join(part.doneFields.map((f) => raw(field(def, f).sql)), sql`, `)})`;
  const done = part.doneWithinPeriod ? sql`case when ${latest} between p.start_d and p.end_d then ${latest} end` : latest;
  const due = part.dueField
    ? raw(field(def, part.dueField).sql)
    : part.dueAfter
      ? sql`date(${raw(field(def, part.dueAfter.field).sql)}, ${`+${part.dueAfter.days} days`})`
      : sql`null`;
  const conds = [sql`r.deleted_at is null`, inPeriodSql(def, { kind: part.kind, where: {}, matchPeriodBy: part.matchPeriodBy, scope: 'self' }, false), ...whereSql(def, part.where ?? {})];
  if (only) conds.push(inArray(sql`r.id`, [...only]));
  return sql`with ${periodsCte(periods)}
    select r.id as id, ${raw(def.labelSql)} as label, r.person_id as person_id, r.org_unit_id as org_unit_id, p.idx as period,
      ${due} as due, ${done} as done
    from periods p join ${raw(def.table)} r on ${sql.join(conds, sql` and `)}`;
}
