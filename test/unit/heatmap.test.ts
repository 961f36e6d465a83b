import { describe, expect, it } from 'vitest';
import { currentResults, heatmap, type HeatUnit } from '../../src/rules/heatmap.ts';
import type { ComplianceResult } from '../../src/rules/engine.ts';
import type { Status } from '../../src/rules/status.ts';

const units: HeatUnit[] = [
  { id: 'city', name: '市妇联', parentId: null, sortOrder: 0 },
  { id: 'b', name: '乙区', parentId: 'city', sortOrder: 2 },
  { id: 'a', name: '甲区', parentId: 'city', sortOrder: 1 },
  { id: 'a1', name: '甲区一街道', parentId: 'a', sortOrder: 0 },
  { id: 'other', name: '别处', parentId: null, sortOrder: 0 },
];

let n = 0;
function result(ruleId: string, subject: Partial<ComplianceResult['subject']>, status: Status, due = '2012-06-30', periodLabel = '2012年第二季度'): ComplianceResult {
  n++;
  return {
    ruleId,
    title: `规则${ruleId}`,
    source: { document: '文', clause: '一' },
    subject: { type: 'person', id: `p${n}`, name: `人${n}`, orgUnitId: null, personId: `p${n}`, ...subject },
    period: { key: due, label: periodLabel, start: '2012-04-01', end: due },
    due,
    dueEndsAt: `${due}T16:00:00.000Z`,
    status,
    target: 1,
    actual: 0,
    targetText: '≥ 1',
    actualText: '0',
    missing: [],
    parts: [],
  };
}

const cellOf = (map: ReturnType<typeof heatmap>, unit: string, rule: string) => map.cells.find((c) => c.orgUnitId === unit && c.ruleId === rule);

describe('heat map (督办看板), pure', () => {
  it('a street result counts in its county row; the root has its own 本级 row; units elsewhere are left out', () => {
    const map = heatmap(
      [result('R1', { orgUnitId: 'a1' }, 'met'), result('R1', { orgUnitId: 'a' }, 'missed'), result('R1', { orgUnitId: 'city' }, 'on_track'), result('R1', { orgUnitId: 'other' }, 'missed')],
      units,
      'city',
      { rootIsTenant: true, ruleOrder: ['R1'] },
    );
    expect(map.rows.map((r) => [r.orgUnitId, r.self, r.hasChildren])).toEqual([['city', true, false], ['a', false, true], ['b', false, false]]);
    expect(cellOf(map, 'a', 'R1')).toMatchObject({ status: 'missed', met: 1, total: 2 });
    expect(cellOf(map, 'city', 'R1')).toMatchObject({ status: 'on_track', met: 0, total: 1 });
    expect(cellOf(map, 'b', 'R1')).toBeUndefined();
    expect(map.cells.reduce((sum, c) => sum + c.total, 0)).toBe(3);
  });

  it('a cell takes its worst status (missed over at_risk over late over on_track over met); all not_applicable is not_applicable with nothing to count', () => {
    const at = (statuses: Status[]) => cellOf(heatmap(statuses.map((s) => result('R', { orgUnitId: 'a' }, s)), units, 'city', { rootIsTenant: true, ruleOrder: [] }), 'a', 'R')!;
    expect(at(['met', 'at_risk', 'missed']).status).toBe('missed');
    expect(at(['met', 'late', 'at_risk']).status).toBe('at_risk');
    expect(at(['on_track', 'late']).status).toBe('late');
    expect(at(['met', 'on_track']).status).toBe('on_track');
    expect(at(['met', 'not_applicable'])).toMatchObject({ status: 'met', met: 1, total: 1 });
    expect(at(['not_applicable', 'not_applicable'])).toMatchObject({ status: 'not_applicable', met: 0, total: 0 });
  });

  it('tenant-level results go to the root row only when the root is the tenant', () => {
    const tenantResult = () => result('T', { type: 'tenant', id: 'city', orgUnitId: null, personId: null }, 'met');
    expect(cellOf(heatmap([tenantResult()], units, 'city', { rootIsTenant: true, ruleOrder: [] }), 'city', 'T')).toMatchObject({ met: 1 });
    expect(heatmap([tenantResult()], units, 'a', { rootIsTenant: false, ruleOrder: [] }).cells).toEqual([]);
  });

  it('columns follow the tenant rule order and name the periods shown', () => {
    const map = heatmap([result('R2', { orgUnitId: 'a' }, 'met'), result('R1', { orgUnitId: 'a' }, 'met', '2012-12-31', '2012年')], units, 'city', { rootIsTenant: true, ruleOrder: ['R1', 'R2'] });
    expect(map.columns).toEqual([{ ruleId: 'R1', title: '规则R1', periods: ['2012年'] }, { ruleId: 'R2', title: '规则R2', periods: ['2012年第二季度'] }]);
  });
});

describe('current period of each rule × subject', () => {
  const subject = { id: 'p', orgUnitId: 'a' };
  const dues = (rs: ComplianceResult[]) => rs.map((r) => r.due);
  it('is the period due soonest on or after today; a period due today is still current', () => {
    const rs = [result('R', subject, 'missed', '2012-03-31'), result('R', subject, 'on_track', '2012-06-30'), result('R', subject, 'on_track', '2012-09-30')];
    expect(dues(currentResults(rs, '2012-05-01'))).toEqual(['2012-06-30']);
    expect(dues(currentResults(rs, '2012-06-30'))).toEqual(['2012-06-30']);
    expect(dues(currentResults(rs, '2012-07-01'))).toEqual(['2012-09-30']);
  });
  it('is the last period when every due date has passed, and is chosen per rule and per subject', () => {
    const rs = [result('R', subject, 'missed', '2012-03-31'), result('R', subject, 'met', '2012-06-30'), result('R', { id: 'q', orgUnitId: 'a' }, 'met', '2012-03-31'), result('S', subject, 'met', '2012-03-31')];
    expect(dues(currentResults(rs, '2013-01-01'))).toEqual(['2012-06-30', '2012-03-31', '2012-03-31']);
  });
});
