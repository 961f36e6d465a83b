/**
 * Checks a tenant's rules against the record-kind registry and its own
 * campaigns: every kind, field, category, role and level must exist. Each
 * problem names the rule.
 */
import { recordKinds, type FieldDef, type KindDef } from '../domain/records.ts';
import type { CountSpec, FilterValue, Rule, Campaign } from './schema.ts';

export interface Problem {
  path: string;
  message: string;
}

export function ruleProblems(rules: Rule[], campaigns: Campaign[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const phases = new Set(campaigns.flatMap((c) => c.phases.map((p) => p.id)));

  rules.forEach((rule, i) => {
    const at = (path: string, message: string) => out.push({ path: `rules.${i}(${rule.id}).${path}`, message });
    if (seen.has(rule.id)) at('id', `规则 id 重复: ${rule.id}`);
    seen.add(rule.id);

    const fieldOf = (kind: string, name: string, path: string): FieldDef | undefined => {
      const def = recordKinds[kind as keyof typeof recordKinds] as KindDef;
      const f = (def.fields as Record<string, FieldDef>)[name];
      if (!f) at(path, `记录类型 ${kind} 没有字段 ${name}（可用：${Object.keys(def.fields).join(', ')}）`);
      return f;
    };
    const checkValue = (f: FieldDef, value: FilterValue, path: string) => {
      const values = typeof value === 'object' && value !== null && 'in' in value ? value.in : typeof value === 'string' ? [value] : [];
      if (f.values) for (const x of values) if (!(String(x) in f.values)) at(path, `未知取值 ${x}（可选：${Object.keys(f.values).join(', ')}）`);
      if (f.type === 'bool' && typeof value !== 'boolean') at(path, '应为 true 或 false');
    };
    const checkSpec = (spec: Pick<CountSpec, 'kind' | 'where' | 'dateField' | 'cutoffField' | 'matchPeriodBy' | 'sumOf' | 'maxOf'>, path: string) => {
      for (const key of ['sumOf', 'maxOf'] as const) {
        const name = spec[key];
        if (!name) continue;
        const f = fieldOf(spec.kind, name, `${path}.${key}`);
        if (f && f.type !== 'int') at(`${path}.${key}`, `${name} 不是数值字段`);
      }
      if (spec.sumOf && spec.maxOf) at(path, 'sumOf 与 maxOf 只能选一个');
      for (const [name, value] of Object.entries(spec.where ?? {})) {
        const f = fieldOf(spec.kind, name, `${path}.where.${name}`);
        if (f) checkValue(f, value, `${path}.where.${name}`);
      }
      for (const key of ['dateField', 'cutoffField'] as const) {
        const name = spec[key];
        if (!name) continue;
        const f = fieldOf(spec.kind, name, `${path}.${key}`);
        if (f && f.type !== 'date' && f.type !== 'instant') at(`${path}.${key}`, `${name} 不是日期字段`);
      }
      if (spec.matchPeriodBy === 'periodKey' && spec.kind !== 'submission') at(`${path}.matchPeriodBy`, '只有上报材料（submission）可按所属期间匹配');
      if (spec.kind === 'org_unit' && rule.subject.type !== 'tenant') at(`${path}.kind`, '以组织为记录的规则，考核对象只能是 tenant');
    };

    if (rule.period.type === 'campaign') {
      const id = rule.period.campaign;
      if (!campaigns.some((c) => c.id === id)) at('period.campaign', `未知的活动 ${id}`);
    }
    const due = rule.due as Record<string, string>;
    const phase = due.phaseEnd ?? due.phaseStart;
    if (phase && !phases.has(phase)) at('due', `未知的活动阶段 ${phase}`);
    if (rule.active.until && rule.active.until < rule.active.from) at('active.until', '结束日期早于开始日期');

    const perCase = rule.parts.filter((p) => p.metric === 'perCase').length;
    if (perCase && (perCase !== rule.parts.length || rule.parts.length !== 1)) at('parts', 'perCase 规则只能有一个部分');
    if ((perCase > 0) !== (rule.subject.type === 'cases')) at('subject', 'perCase 规则的考核对象须为 cases，反之亦然');

    rule.parts.forEach((part, j) => {
      const path = `parts.${j}`;
      switch (part.metric) {
        case 'count':
        case 'sum':
        case 'coverage':
          checkSpec(part, path);
          if ('min' in part && 'max' in part && part.min !== undefined && part.max !== undefined && part.min > part.max) at(path, 'min 大于 max');
          if (part.metric === 'sum') {
            if (part.field === 'daysInPeriod') {
              if (!(recordKinds[part.kind] as KindDef).range) at(`${path}.field`, `${part.kind} 没有起止日期，不能计 daysInPeriod`);
            } else {
              const f = fieldOf(part.kind, part.field, `${path}.field`);
              if (f && f.type !== 'int') at(`${path}.field`, `${part.field} 不是数值字段`);
            }
          }
          if (part.metric === 'coverage') {
            const f = fieldOf(part.kind, part.field, `${path}.field`);
            if (f && f.type !== 'categories') at(`${path}.field`, `${part.field} 不是类别集合字段`);
            if (f) checkValue(f, { in: part.set }, `${path}.set`);
          }
          break;
        case 'ratio':
          checkSpec(part.numerator, `${path}.numerator`);
          checkSpec(part.denominator, `${path}.denominator`);
          break;
        case 'perCase':
          checkSpec({ kind: part.kind, where: part.where, matchPeriodBy: 'date' }, path);
          for (const name of [...part.doneFields, ...(part.dueField ? [part.dueField] : []), ...(part.dueAfter ? [part.dueAfter.field] : [])]) {
            const f = fieldOf(part.kind, name, `${path}.${name === part.dueField ? 'dueField' : name === part.dueAfter?.field ? 'dueAfter' : 'doneFields'}`);
            if (f && f.type !== 'date') at(path, `${name} 不是日期字段`);
          }
          if (part.dueField && part.dueAfter) at(path, 'dueField 与 dueAfter 只能选一个');
          break;
        case 'milestone':
          break;
      }
    });
  });
  return out;
}
