import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { periodsOf, dueDate } from '../../src/rules/periods.ts';
import { statusOf, meetsTarget, targetText } from '../../src/rules/status.ts';
import { judgePart } from '../../src/rules/judge.ts';
import { parseTenantConfig } from '../../src/tenants/schema.ts';
import type { PartRow } from '../../src/rules/sql.ts';

const dir = join(import.meta.dirname, '../../tenants');
const configs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => parseTenantConfig(JSON.parse(readFileSync(join(dir, f), 'utf8')), f));
const raw = (id: string) => JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));

describe('the rule catalogue (DOMAIN.md)', () => {
  const catalogue = [
    ...Array.from({ length: 12 }, (_, i) => `B${i + 1}`),
    ...Array.from({ length: 12 }, (_, i) => `L${i + 1}`),
    ...Array.from({ length: 11 }, (_, i) => `H${i + 1}`),
  ];
  it('every catalogue id appears in exactly one tenant config, with a clause of one of that tenant’s documents', () => {
    for (const id of catalogue) {
      const holders = configs.filter((c) => c.rules.some((r) => r.id === id));
      expect(holders.map((c) => c.id), id).toHaveLength(1);
      const rule = holders[0].rules.find((r) => r.id === id)!;
      expect(rule.source.clause.length, id).toBeGreaterThan(0);
      expect(holders[0].documents.map((d) => d.number), id).toContain(rule.source.document);
    }
  });

  it('the 〔2013〕9号 milestones are rules of lixia, due 2013-12-31', () => {
    const lixia = configs.find((c) => c.id === 'lixia')!;
    const milestones = lixia.rules.filter((r) => r.id.startsWith('L-M'));
    expect(milestones.map((r) => r.id)).toEqual(['L-M1', 'L-M2', 'L-M3', 'L-M4', 'L-M5', 'L-M6', 'L-M7', 'L-M8', 'L-M9', 'L-M10', 'L-M11']);
    expect(milestones.every((r) => r.source.document === '历下妇发〔2013〕9号' && 'date' in r.due && r.due.date === '2013-12-31')).toBe(true);
  });

  it('every interpretation marked * in DOMAIN.md is written next to its rule', () => {
    for (const id of ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B10', 'B11', 'L6', 'H1', 'H9']) {
      const rule = configs.flatMap((c) => c.rules).find((r) => r.id === id)!;
      expect(rule.interpretation, id).toMatch(/\*/);
    }
  });
});

describe('config validation names the rule', () => {
  const broken = (mutate: (rules: Record<string, any>[]) => void) => {
    const c = raw('binzhou');
    mutate(c.rules);
    try {
      parseTenantConfig(c, 'binzhou.json');
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('an unknown record kind', () => {
    expect(broken((r) => (r[2].parts[0].kind = 'home_visit'))).toMatch(/rules\.2\(B3\)\.parts\.0\.kind/);
  });
  it('an unknown category in a coverage set', () => {
    expect(broken((r) => r[3].parts[0].set.push('rich_family'))).toMatch(/rules\.3\(B4\)\.parts\.0\.set: 未知取值 rich_family/);
  });
  it('an unknown duty role', () => {
    expect(broken((r) => (r[0].subject.duty = ['chairwoman']))).toMatch(/rules\.0\(B1\)\.subject/);
  });
  it('an unknown org level', () => {
    expect(broken((r) => (r[5].subject.match[0].level = ['province']))).toMatch(/rules\.5\(B6\)\.subject/);
  });
  it('an unknown field or a wrong filter value', () => {
    expect(broken((r) => (r[8].parts[0].where.colour = 'red'))).toMatch(/rules\.8\(B9\)\.parts\.0\.where\.colour: 记录类型 service 没有字段 colour/);
    expect(broken((r) => (r[8].parts[0].where.category = 'money'))).toMatch(/rules\.8\(B9\)\.parts\.0\.where\.category: 未知取值 money/);
  });
  it('an unknown campaign phase and a duplicate id', () => {
    expect(broken((r) => (r[2].due = { phaseEnd: 'harvest' }))).toMatch(/rules\.2\(B3\)\.due: 未知的活动阶段 harvest/);
    expect(broken((r) => (r[1].id = 'B1'))).toMatch(/rules\.1\(B1\)\.id: 规则 id 重复/);
  });
});

describe('periods', () => {
  const campaigns = [{ id: 'c', name: '活动', start: '2012-04-01', end: '2012-12-31', phases: [{ id: 'impl', name: '实施', start: '2012-05-01', end: '2012-09-30' }] }];
  it('months, clipped to the active window, due after grace days', () => {
    const ps = periodsOf({ period: { type: 'month' }, active: { from: '2012-04-15', until: '2012-06-10' }, due: { afterPeriodEnd: 5 } }, '2012-01-01', '2012-12-31', []);
    expect(ps.map((p) => [p.key, p.start, p.end, p.due])).toEqual([
      ['2012-04', '2012-04-15', '2012-04-30', '2012-05-05'],
      ['2012-05', '2012-05-01', '2012-05-31', '2012-06-05'],
      ['2012-06', '2012-06-01', '2012-06-10', '2012-06-15'],
    ]);
  });
  it('both forms of two-month period: Jan–Feb… and Feb–Mar…', () => {
    const odd = periodsOf({ period: { type: 'bimonth', firstMonth: 1 }, active: { from: '2017-01-01' }, due: { afterPeriodEnd: 0 } }, '2017-01-01', '2017-06-30', []);
    expect(odd.map((p) => p.key)).toEqual(['2017-01/2017-02', '2017-03/2017-04', '2017-05/2017-06']);
    const even = periodsOf({ period: { type: 'bimonth', firstMonth: 2 }, active: { from: '2017-01-01' }, due: { afterPeriodEnd: 0 } }, '2017-01-01', '2017-06-30', []);
    // The Dec–Jan period cut to January by the rule's start is that month (B11's December is cut the same way at the end).
    expect(even.map((p) => p.key)).toEqual(['2017-01', '2017-02/2017-03', '2017-04/2017-05', '2017-06/2017-07']);
    expect(even[0].label).toBe('2017年1月');
    expect(even[0].start).toBe('2017-01-01');
  });
  it('leap years: a Jan–Feb period of 2024 ends on 29 February, of 2023 on the 28th', () => {
    const p = (y: number) => periodsOf({ period: { type: 'bimonth', firstMonth: 1 }, active: { from: '2000-01-01' }, due: { afterPeriodEnd: 1 } }, `${y}-01-01`, `${y}-01-31`, []).find((x) => x.key === `${y}-01/${y}-02`)!;
    expect([p(2024).end, p(2024).due]).toEqual(['2024-02-29', '2024-03-01']);
    expect([p(2023).end, p(2023).due]).toEqual(['2023-02-28', '2023-03-01']);
  });
  it('quarters, years, a campaign, a fixed window, and due dates by phase or month-day', () => {
    expect(periodsOf({ period: { type: 'quarter' }, active: { from: '2020-01-01' }, due: { afterPeriodEnd: 0 } }, '2020-03-31', '2020-06-30', []).map((p) => p.key)).toEqual(['2020-Q1', '2020-Q2']);
    expect(periodsOf({ period: { type: 'year' }, active: { from: '2016-03-22' }, due: { monthDay: '09-30' } }, '2016-01-01', '2016-12-31', [])[0]).toMatchObject({ key: '2016', start: '2016-03-22', due: '2016-09-30' });
    expect(periodsOf({ period: { type: 'campaign', campaign: 'c' }, active: { from: '2012-04-01' }, due: { phaseEnd: 'impl' } }, '2012-01-01', '2012-12-31', campaigns)[0]).toMatchObject({ start: '2012-04-01', end: '2012-12-31', due: '2012-09-30' });
    expect(dueDate({ phaseStart: 'impl' }, { start: '2012-04-01', end: '2012-12-31' }, campaigns)).toBe('2012-05-01');
  });
});

describe('status', () => {
  const at = (today: string, metNow: boolean, metAtDue = metNow) => statusOf({ metNow, metAtDue, today, due: '2012-09-30', atRiskDays: 7, daysToDue: Math.round((Date.parse('2012-09-30') - Date.parse(today)) / 86_400_000) });
  it('before the due date: met, at_risk within 7 days, on_track before that', () => {
    expect(at('2012-09-22', false)).toBe('on_track');
    expect(at('2012-09-23', false)).toBe('at_risk');
    expect(at('2012-09-30', false)).toBe('at_risk');
    expect(at('2012-09-01', true)).toBe('met');
  });
  it('after the due date: met if met by then, late if met since, missed otherwise', () => {
    expect(at('2012-10-01', true, true)).toBe('met');
    expect(at('2012-10-01', true, false)).toBe('late');
    expect(at('2012-10-01', false, false)).toBe('missed');
  });
  it('targets with a minimum and a maximum', () => {
    expect([0, 1, 2, 3].map((n) => meetsTarget(n, { min: 1, max: 2 }))).toEqual([false, true, true, false]);
    expect(targetText({ min: 1, max: 2 }, '场')).toBe('1–2场');
    expect(targetText({ min: 10 }, '户')).toBe('≥ 10户');
  });
  it('a ratio: 97.9% is short of 98%, 98% meets it, 0 of 0 is not_applicable (nothing to count is not met)', () => {
    const part = { metric: 'ratio' as const, numerator: { kind: 'petition' as const, where: {}, matchPeriodBy: 'date' as const, scope: 'self' as const }, denominator: { kind: 'petition' as const, where: {}, matchPeriodBy: 'date' as const, scope: 'self' as const }, min: 0.98 };
    const rows = (n: number, d: number) => (comp: string) => ({ now_val: comp === 'num' ? n : d, due_val: comp === 'num' ? n : d }) as PartRow;
    const ctx = { daysLeft: 10, afterDue: false };
    expect(judgePart(part, rows(979, 1000), ctx).now.met).toBe(false);
    expect(judgePart(part, rows(980, 1000), ctx).now.met).toBe(true);
    const empty = judgePart(part, rows(0, 0), ctx);
    expect([empty.notApplicable, empty.now.met, empty.now.actualText]).toEqual([true, false, '无可计算对象（0/0）']);
  });
  it('status: not_applicable wins; a rate short after its due date is missed, never late; an infeasible quota is at_risk early', () => {
    const base = { metNow: false, metAtDue: false, today: '2012-06-01', due: '2012-12-31', atRiskDays: 7, daysToDue: 213 };
    expect(statusOf({ ...base, notApplicable: true })).toBe('not_applicable');
    expect(statusOf({ ...base, feasible: true })).toBe('on_track');
    expect(statusOf({ ...base, feasible: false })).toBe('at_risk');
    const after = { ...base, today: '2013-01-01', metNow: true };
    expect(statusOf(after)).toBe('late');
    expect(statusOf({ ...after, finalAtDue: true })).toBe('missed');
  });
});

describe('period windows include periods that fall due inside them', () => {
  const tenants = Object.fromEntries(['lixia', 'binzhou'].map((id) => [id, parseTenantConfig(JSON.parse(readFileSync(join(import.meta.dirname, `../../tenants/${id}.json`), 'utf8')), `${id}.json`)]));
  const keysIn = (tenant: string, ruleId: string, from: string, to: string) => {
    const t = tenants[tenant];
    const rule = t.rules.find((r) => r.id === ruleId)!;
    return periodsOf(rule, from, to, t.campaigns ?? []).map((p) => `${p.key}@${p.due}`);
  };
  it('a January 2013 window holds B2 and B11 periods of December 2012 due in January, though the campaign ended on 31 December', () => {
    expect(keysIn('binzhou', 'B2', '2013-01-01', '2013-01-31')).toEqual(['2012-12@2013-01-05']);
    expect(keysIn('binzhou', 'B11', '2013-01-01', '2013-01-31')).toHaveLength(1);
    expect(keysIn('binzhou', 'B2', '2013-01-06', '2013-01-31')).toEqual([]);
  });
  it('a monthly rule due after its month shows the previous month in a window that starts after it', () => {
    const lixiaMonthly = tenants.lixia.rules.filter((r) => r.period.type === 'month' && 'afterPeriodEnd' in r.due && r.due.afterPeriodEnd > 0);
    expect(lixiaMonthly.length).toBeGreaterThan(0);
    const rule = lixiaMonthly[0];
    const keys = keysIn('lixia', rule.id, '2014-01-01', '2014-01-31');
    expect(keys[0]).toMatch(/^2013-12@2014-01-/);
  });
});
