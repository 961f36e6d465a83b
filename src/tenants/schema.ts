import * as v from 'valibot';
import { orgLevels, orgTypes, keys } from '../domain/glossary.ts';
import { CampaignSchema, RemindersSchema, RuleSchema, type FilterValue } from '../rules/schema.ts';
import { ruleProblems } from '../rules/validate.ts';

const slug = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{1,39}$/, '须为小写字母开头的字母、数字或连字符'));

const validTimeZone = v.check((tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, '不是有效的 IANA 时区');

export interface OrgUnitNode {
  id: string;
  name: string;
  level: keyof typeof orgLevels;
  type: keyof typeof orgTypes;
  children?: OrgUnitNode[];
}

export const OrgUnitNodeSchema: v.GenericSchema<OrgUnitNode> = v.strictObject({
  id: slug,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  level: v.picklist(keys(orgLevels)),
  type: v.picklist(keys(orgTypes)),
  children: v.optional(v.array(v.lazy(() => OrgUnitNodeSchema))),
});

export const DocumentRefSchema = v.strictObject({
  number: v.pipe(v.string(), v.minLength(1)),
  title: v.pipe(v.string(), v.minLength(1)),
  issuedOn: v.optional(v.pipe(v.string(), v.isoDate())),
  seed: v.optional(v.string()),
});

export const TenantConfigSchema = v.pipe(
  v.strictObject({
    $schema: v.optional(v.string()),
    id: slug,
    name: v.pipe(v.string(), v.minLength(1)),
    nameEn: v.optional(v.string()),
    timeZone: v.pipe(v.string(), validTimeZone),
    locale: v.picklist(['zh-CN']),
    contactEmail: v.pipe(v.string(), v.email()),
    documents: v.array(DocumentRefSchema),
    orgUnits: OrgUnitNodeSchema,
    /** Campaign windows with phases, for rules that run over a campaign. */
    campaigns: v.optional(v.array(CampaignSchema), []),
    /** Reminder and escalation offsets for rules that set none. */
    reminderDefaults: v.optional(RemindersSchema),
    /**
     * Someone who takes up a duty mid-period (counting convention 9): judged from her first full
     * period (default) or already in the period she joined. `interpretation` says why.
     */
    newcomers: v.optional(v.strictObject({ judgedFrom: v.picklist(['firstFullPeriod', 'joiningPeriod']), interpretation: v.optional(v.string()) })),
    rules: v.array(RuleSchema),
  }),
  v.check((t) => t.orgUnits.id === t.id, '组织树的根节点 id 须与妇联 id 相同'),
  v.check((t) => {
    const seen = new Set<string>();
    const walk = (n: OrgUnitNode): boolean => {
      if (seen.has(n.id)) return false;
      seen.add(n.id);
      return (n.children ?? []).every(walk);
    };
    return walk(t.orgUnits);
  }, '组织树中存在重复的 id'),
);

export type TenantConfig = v.InferOutput<typeof TenantConfigSchema>;

export class TenantConfigError extends Error {
  readonly issues: { path: string; message: string }[];
  constructor(file: string, issues: { path: string; message: string }[]) {
    super(`租户配置无效 (invalid tenant config) ${file}:\n` + issues.map((i) => `  - ${i.path || '(根)'}: ${i.message}`).join('\n'));
    this.name = 'TenantConfigError';
    this.issues = issues;
  }
}

/** Validates one parsed config; `file` names it in the error. */
export function parseTenantConfig(raw: unknown, file: string): TenantConfig {
  const result = v.safeParse(TenantConfigSchema, raw);
  if (!result.success) {
    // Name the rule by its id as well as its position: rules.3(B4).parts.0…
    const ids = Array.isArray((raw as { rules?: unknown })?.rules) ? (raw as { rules: { id?: unknown }[] }).rules.map((r) => r?.id) : [];
    throw new TenantConfigError(
      file,
      result.issues.map((i) => ({
        path: (v.getDotPath(i) ?? '').replace(/^rules\.(\d+)/, (m, n) => (typeof ids[Number(n)] === 'string' ? `${m}(${ids[Number(n)]})` : m)),
        message: i.message,
      })),
    );
  }
  const unitIds = new Set(flattenOrgUnits(result.output.orgUnits).map((u) => u.id));
  const problems = [
    ...ruleProblems(result.output.rules, result.output.campaigns),
    ...[result.output.reminderDefaults, ...result.output.rules.map((r) => r.reminders)].flatMap((r, i) =>
      (['escalateTo', 'actBy'] as const)
        .filter((key) => r?.[key] && !unitIds.has(r[key]!))
        .map((key) => ({ path: i === 0 ? `reminderDefaults.${key}` : `rules.${i - 1}(${result.output.rules[i - 1].id}).reminders.${key}`, message: `组织树中没有 ${r![key]}` })),
    ),
  ];
  // A filter naming a unit (B10: plans sent to 组宣部) must name one in the tree, or it silently counts nothing.
  result.output.rules.forEach((rule, i) => {
    const wheres: [string, Record<string, FilterValue> | undefined][] = rule.parts.flatMap((p, j): [string, Record<string, FilterValue> | undefined][] =>
      p.metric === 'ratio'
        ? [[`parts.${j}.numerator`, p.numerator.where], [`parts.${j}.denominator`, p.denominator.where]]
        : 'where' in p ? [[`parts.${j}`, p.where]] : [],
    );
    for (const [path, where] of wheres)
      for (const [field, value] of Object.entries(where ?? {})) {
        if (!field.endsWith('OrgUnitId')) continue;
        const named = typeof value === 'string' ? [value] : typeof value === 'object' && value && 'in' in value ? value.in.map(String) : [];
        for (const id of named) if (!unitIds.has(id)) problems.push({ path: `rules.${i}(${rule.id}).${path}.where.${field}`, message: `组织树中没有 ${id}` });
      }
  });
  if (problems.length) throw new TenantConfigError(file, problems);
  return result.output;
}

export function flattenOrgUnits(root: OrgUnitNode): { id: string; name: string; level: OrgUnitNode['level']; type: OrgUnitNode['type']; parentId: string | null }[] {
  const out: ReturnType<typeof flattenOrgUnits> = [];
  const walk = (n: OrgUnitNode, parentId: string | null) => {
    out.push({ id: n.id, name: n.name, level: n.level, type: n.type, parentId });
    for (const c of n.children ?? []) walk(c, n.id);
  };
  walk(root, null);
  return out;
}
