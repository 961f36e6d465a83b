/**
 * The rule language: every quantitative requirement of a federation's
 * documents, as data. One engine evaluates them all; there is no code per rule.
 */
import * as v from 'valibot';
import { dutyRoles, keys, orgLevels, orgTypes } from '../domain/glossary.ts';
import { recordKinds, type RecordKind } from '../domain/records.ts';

const isoDate = v.pipe(v.string(), v.isoDate());
const monthDay = v.pipe(v.string(), v.regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '格式应为 MM-DD'));
const kind = v.picklist(keys(recordKinds));
const nonNeg = v.pipe(v.number(), v.minValue(0));

export const FilterValueSchema = v.union([
  v.string(),
  v.number(),
  v.boolean(),
  v.strictObject({ in: v.pipe(v.array(v.union([v.string(), v.number()])), v.minLength(1)) }),
  v.strictObject({ gte: v.number() }),
  v.strictObject({ lte: v.number() }),
  v.strictObject({ empty: v.literal(true) }),
  v.strictObject({ notEmpty: v.literal(true) }),
]);
export type FilterValue = v.InferOutput<typeof FilterValueSchema>;

/** Which records count: a kind, filters on its fields, and how a record is placed in a period. */
const countSpecEntries = {
  kind,
  where: v.optional(v.record(v.string(), FilterValueSchema), {}),
  /** The field that puts a record in a period (default: the kind's date). */
  dateField: v.optional(v.string()),
  /** The field compared with "as of" and the due date (default: dateField), e.g. closedOn for closures. */
  cutoffField: v.optional(v.string()),
  /**
   * date: the record's date falls in the period; cumulative: on or before the period's last day
   * (standing things such as contact points); periodKey: a submission names the period in `period`.
   */
  matchPeriodBy: v.optional(v.picklist(['date', 'cumulative', 'periodKey']), 'date'),
  /** Records of the subject unit only, or of its whole subtree. */
  scope: v.optional(v.picklist(['self', 'subtree']), 'self'),
  /** false: count records, not the distinct things they are about (default: distinct, where the kind says what a thing is). */
  distinct: v.optional(v.boolean()),
  /** In a ratio: the sum of this numeric field instead of a count (letters sent ÷ mothers assisted, B16). */
  sumOf: v.optional(v.string()),
  /** In a ratio: the largest value of this numeric field reported (a register's size, H15), instead of a count. */
  maxOf: v.optional(v.string()),
};
export const CountSpecSchema = v.strictObject(countSpecEntries);
export type CountSpec = v.InferOutput<typeof CountSpecSchema>;

const label = v.optional(v.string());
export const PartSchema = v.variant('metric', [
  v.strictObject({ metric: v.literal('count'), label, unit: v.optional(v.string()), ...countSpecEntries, min: v.optional(nonNeg), max: v.optional(nonNeg) }),
  v.strictObject({ metric: v.literal('sum'), label, unit: v.optional(v.string()), ...countSpecEntries, field: v.string(), min: v.optional(nonNeg), max: v.optional(nonNeg) }),
  v.strictObject({ metric: v.literal('coverage'), label, ...countSpecEntries, field: v.string(), set: v.pipe(v.array(v.string()), v.minLength(1)) }),
  v.strictObject({ metric: v.literal('ratio'), label, numerator: CountSpecSchema, denominator: CountSpecSchema, min: v.pipe(v.number(), v.minValue(0)) }),
  v.strictObject({ metric: v.literal('milestone'), label, milestone: v.pipe(v.string(), v.minLength(1)) }),
  v.strictObject({
    metric: v.literal('perCase'),
    label,
    kind,
    where: v.optional(v.record(v.string(), FilterValueSchema), {}),
    matchPeriodBy: v.optional(v.picklist(['date', 'cumulative']), 'date'),
    /** The case's own deadline; without it, the period's due date. */
    dueField: v.optional(v.string()),
    /** A deadline a number of days after one of the case's dates (H14: 5 days after receipt; B18: 30 days after the inspection). */
    dueAfter: v.optional(v.strictObject({ field: v.string(), days: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(366)) })),
    /** The case is done when all these fields are set; it is done on the latest of them. */
    doneFields: v.pipe(v.array(v.string()), v.minLength(1)),
    /** Done counts only if it falls in the period (a yearly "≥ 1 innovation" counts that year's, not ever). */
    doneWithinPeriod: v.optional(v.boolean()),
  }),
]);
export type Part = v.InferOutput<typeof PartSchema>;

const orgMatch = v.strictObject({
  level: v.optional(v.array(v.picklist(keys(orgLevels)))),
  type: v.optional(v.array(v.picklist(keys(orgTypes)))),
});
export const SubjectSchema = v.variant('type', [
  v.strictObject({ type: v.literal('tenant') }),
  v.strictObject({ type: v.literal('orgUnits'), match: v.pipe(v.array(orgMatch), v.minLength(1)) }),
  v.strictObject({
    type: v.literal('people'),
    duty: v.pipe(v.array(v.picklist(keys(dutyRoles))), v.minLength(1)),
    orgLevel: v.optional(v.array(v.picklist(keys(orgLevels)))),
    /** Further groups judged by the same rule (H5: city leaders and department heads, and district cadres). */
    also: v.optional(v.array(v.strictObject({ duty: v.pipe(v.array(v.picklist(keys(dutyRoles))), v.minLength(1)), orgLevel: v.optional(v.array(v.picklist(keys(orgLevels)))) }))),
  }),
  /** One result per case (perCase rules): the record itself is the subject. */
  v.strictObject({ type: v.literal('cases') }),
]);
export type Subject = v.InferOutput<typeof SubjectSchema>;

export const PeriodSchema = v.variant('type', [
  /** Calendar months; `months` keeps only some (e.g. May–Dec, or Harbin's even months). */
  v.strictObject({ type: v.literal('month'), months: v.optional(v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(12)))) }),
  /** Two-month periods starting at `firstMonth`: 1 gives Jan–Feb, Mar–Apr…; 4 gives Apr–May, Jun–Jul… */
  v.strictObject({ type: v.literal('bimonth'), firstMonth: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2)) }),
  v.strictObject({ type: v.literal('quarter') }),
  /** January–June and July–December. */
  v.strictObject({ type: v.literal('halfyear') }),
  /** Calendar years; `window` keeps only part of each (L13: the 三八维权周 around 8 March). */
  v.strictObject({ type: v.literal('year'), window: v.optional(v.strictObject({ start: monthDay, end: monthDay })) }),
  /** The whole campaign window (tenant config `campaigns`). */
  v.strictObject({ type: v.literal('campaign'), campaign: v.string() }),
  /** One fixed window. */
  v.strictObject({ type: v.literal('fixed'), start: isoDate, end: isoDate, label: v.optional(v.string()) }),
]);
export type PeriodSpec = v.InferOutput<typeof PeriodSchema>;

export const DueSchema = v.union([
  /** Period end plus grace days (0: the last day of the period). */
  v.strictObject({ afterPeriodEnd: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(366)) }),
  v.strictObject({ date: isoDate }),
  /** A day within the period's year, e.g. 09-30 for "9月末". */
  v.strictObject({ monthDay }),
  /** The last or first day of a campaign phase. */
  v.strictObject({ phaseEnd: v.string() }),
  v.strictObject({ phaseStart: v.string() }),
]);
export type DueSpec = v.InferOutput<typeof DueSchema>;

export const RemindersSchema = v.strictObject({
  /** Days before the due date on which a reminder goes to a subject that is still short. */
  before: v.optional(v.array(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60)))),
  /** Days after the due date on which the overdue notice goes (1: the day after). */
  overdueAfter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60))),
  /** Days after the due date on which the supervisor of the unit above is told. */
  escalateAfter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(90))),
  /** The unit whose supervisors get escalations (e.g. Binzhou's 组宣部); default: the unit above the subject. */
  escalateTo: v.optional(v.string()),
  /**
   * The unit that must do the work when it is not the subject (B12: the leading group inspects each
   * county): its people get the reminders and overdue notices instead of the subject.
   */
  actBy: v.optional(v.string()),
});

export const RuleSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9-]{0,15}$/, '规则 id 须为大写字母、数字或连字符，例如 B3、L-M1')),
  title: v.pipe(v.string(), v.minLength(1)),
  source: v.strictObject({ document: v.pipe(v.string(), v.minLength(1)), clause: v.pipe(v.string(), v.minLength(1)) }),
  /** Our reading where the document is silent (the * values of DOMAIN.md), kept next to the rule. */
  interpretation: v.optional(v.string()),
  subject: SubjectSchema,
  period: PeriodSchema,
  active: v.strictObject({ from: isoDate, until: v.optional(isoDate) }),
  due: DueSchema,
  /** all: every part must be met; any: one is enough. */
  combine: v.optional(v.picklist(['all', 'any']), 'all'),
  parts: v.pipe(v.array(PartSchema), v.minLength(1)),
  /** Where a subject records this work (shown in emails). */
  recordAt: v.optional(v.string()),
  reminders: v.optional(RemindersSchema),
});
export type Rule = v.InferOutput<typeof RuleSchema>;

export const CampaignSchema = v.strictObject({
  id: v.string(),
  name: v.string(),
  start: isoDate,
  end: isoDate,
  phases: v.optional(v.array(v.strictObject({ id: v.string(), name: v.string(), start: isoDate, end: isoDate })), []),
});
export type Campaign = v.InferOutput<typeof CampaignSchema>;

/** The milestones a tenant's rules name, with their labels: the values a milestone report may carry. */
export function tenantMilestones(tenant: { rules: unknown[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of tenant.rules as Rule[]) for (const p of rule.parts) if (p.metric === 'milestone') out[p.milestone] ??= p.label ?? rule.title;
  return out;
}

export const ruleKinds = (part: Part): RecordKind[] =>
  part.metric === 'ratio' ? [part.numerator.kind, part.denominator.kind] : part.metric === 'milestone' ? ['submission'] : [part.kind];
