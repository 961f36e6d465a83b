import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await engineFixture('binzhou');
});
afterEach(() => fx.close());

/** Beijing wall-clock → UTC instant. */
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();
const days = (n: number, from: string) => Array.from({ length: n }, (_, i) => new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10));

describe('binzhou 滨妇发[2012]15号', () => {
  it('B1: 59 field-trip days in the campaign year is missed, 60 is met; a trip over New Year counts only its 2012 days', async () => {
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'bincheng' });
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-05-01', endDate: '2012-06-27' }); // 58 days
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-12-31', endDate: '2013-01-03' }); // 1 day in 2012
    let r = await fx.one('B1', bj('2013-01-05T09:00:00'), leader, '2012');
    expect([r.actual, r.status]).toEqual([59, 'missed']);
    expect(r.missing).toEqual(['下基层天数还差 1天']);
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-12-30', endDate: '2012-12-30' });
    r = await fx.one('B1', bj('2013-01-05T09:00:00'), leader, '2012');
    expect([r.actual, r.status]).toEqual([60, 'met']);
  });

  it('B1: a county leader is a subject, a street cadre is not', async () => {
    const street = await fx.person({ duty: 'leader', orgUnitId: 'shizhong' });
    const results = await fx.evaluate({ asOf: new Date(bj('2012-12-01T09:00:00')), ruleIds: ['B1'] });
    expect(results.some((r) => r.subject.id === street)).toBe(false);
  });

  it('B2: one field trip in May is short, two is met; judged five days after the month', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'binzhou' });
    await fx.add.fieldTrip({ personId: cadre, startDate: '2012-05-03' });
    let r = await fx.one('B2', bj('2012-06-06T09:00:00'), cadre, '2012-05');
    expect([r.actual, r.due, r.status]).toEqual([1, '2012-06-05', 'missed']);
    expect((await fx.one('B2', bj('2012-06-05T09:00:00'), cadre, '2012-05')).status).toBe('at_risk');
    await fx.add.fieldTrip({ personId: cadre, startDate: '2012-05-31', endDate: '2012-06-02' });
    r = await fx.one('B2', bj('2012-06-06T09:00:00'), cadre, '2012-05');
    expect([r.actual, r.status]).toEqual([2, 'met']);
    // The campaign runs April–December: no March period.
    const all = await fx.evaluate({ asOf: new Date(bj('2012-12-31T09:00:00')), ruleIds: ['B2'], window: { from: '2012-01-01', to: '2012-12-31' } });
    expect([...new Set(all.map((x) => x.period.key))].sort()).toEqual(['2012-04', '2012-05', '2012-06', '2012-07', '2012-08', '2012-09', '2012-10', '2012-11', '2012-12']);
  });

  it('B3: nine household visits is short, ten is met; a tenth after 30 September is late', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'huimin' });
    for (const d of days(9, '2012-05-02')) await fx.add.visit({ personId: cadre, visitedOn: d });
    expect((await fx.one('B3', bj('2012-09-01T09:00:00'), cadre)).status).toBe('on_track');
    expect((await fx.one('B3', bj('2012-09-25T09:00:00'), cadre)).status).toBe('at_risk');
    let r = await fx.one('B3', bj('2012-10-01T09:00:00'), cadre);
    expect([r.actual, r.target, r.due, r.status]).toEqual([9, 10, '2012-09-30', 'missed']);
    await fx.add.visit({ personId: cadre, visitedOn: '2012-10-01' });
    r = await fx.one('B3', bj('2012-10-02T09:00:00'), cadre);
    expect([r.actual, r.status]).toEqual([10, 'late']);
    await fx.add.visit({ personId: cadre, visitedOn: '2012-09-30' });
    expect((await fx.one('B3', bj('2012-10-02T09:00:00'), cadre)).status).toBe('met');
  });

  it('B4: five of the 六必访 categories names the sixth as missing; all six is met', async () => {
    const cadre = await fx.person({ duty: 'leader', orgUnitId: 'binzhou' });
    await fx.add.visit({ personId: cadre, visitedOn: '2012-06-01', categories: ['problem_family', 'left_behind'] });
    await fx.add.visit({ personId: cadre, visitedOn: '2012-06-02', categories: ['dispute', 'orphan_disabled_poor', 'left_behind'] });
    await fx.add.visit({ personId: cadre, visitedOn: '2012-06-03', categories: ['laid_off'] });
    let r = await fx.one('B4', bj('2012-09-01T09:00:00'), cadre);
    expect([r.actual, r.target]).toEqual([5, 6]);
    expect(r.missing).toEqual(['未覆盖：重病亡故']);
    await fx.add.visit({ personId: cadre, visitedOn: '2012-07-01', categories: ['illness_bereavement'] });
    r = await fx.one('B4', bj('2012-09-01T09:00:00'), cadre);
    expect([r.actual, r.status]).toEqual([6, 'met']);
  });

  it('B5: one diary entry for two field trips is short; a report without recommendations does not count', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'boxing' });
    await fx.add.fieldTrip({ personId: cadre, startDate: '2012-05-10' });
    await fx.add.fieldTrip({ personId: cadre, startDate: '2012-06-10' });
    await fx.add.diary({ personId: cadre, entryDate: '2012-05-10' });
    await fx.add.report({ personId: cadre, submittedOn: '2012-08-01', complete: false });
    let r = await fx.one('B5', bj('2012-10-01T09:00:00'), cadre);
    expect(r.status).toBe('missed');
    expect(r.parts.map((p) => p.met)).toEqual([false, false]);
    expect(r.parts[0].actualText).toBe('50.0%（1/2）');
    await fx.add.diary({ personId: cadre, entryDate: '2012-06-10' });
    await fx.add.report({ personId: cadre, submittedOn: '2012-09-30' });
    r = await fx.one('B5', bj('2012-10-01T09:00:00'), cadre);
    expect([r.status, r.actualText]).toEqual(['met', '2/2 项达标']);
  });

  it('B6: a street federation with a needs-ledger entry in May meets May; none in June misses June', async () => {
    await fx.add.need({ orgUnitId: 'shizhong', recordedOn: '2012-05-31' });
    expect((await fx.one('B6', bj('2012-07-01T09:00:00'), 'shizhong', '2012-05')).status).toBe('met');
    expect((await fx.one('B6', bj('2012-07-01T09:00:00'), 'shizhong', '2012-06')).status).toBe('missed');
  });

  it('B7: one weak contact point is short, two by 1 May is met, the second on 2 May is late; non-weak points do not count', async () => {
    await fx.add.contactPoint({ orgUnitId: 'bincheng', establishedOn: '2012-04-10', isWeak: true });
    await fx.add.contactPoint({ orgUnitId: 'bincheng', establishedOn: '2012-04-11', isWeak: false });
    let r = await fx.one('B7', bj('2012-05-02T09:00:00'), 'bincheng');
    expect([r.actual, r.due, r.status]).toEqual([1, '2012-05-01', 'missed']);
    await fx.add.contactPoint({ orgUnitId: 'bincheng', establishedOn: '2012-05-02', isWeak: true });
    r = await fx.one('B7', bj('2012-05-03T09:00:00'), 'bincheng');
    expect([r.actual, r.status]).toEqual([2, 'late']);
  });

  it('B8: a poor woman paired but no poor child names the child as missing', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'wudi' });
    await fx.add.pairing({ personId: cadre, startedOn: '2012-04-15', beneficiaryType: 'poor_woman' });
    let r = await fx.one('B8', bj('2012-04-20T09:00:00'), cadre);
    expect(r.status).toBe('on_track');
    expect(r.missing).toEqual(['结对贫困儿童还差 1人']);
    await fx.add.pairing({ personId: cadre, startedOn: '2012-04-30', beneficiaryType: 'poor_child' });
    r = await fx.one('B8', bj('2012-05-02T09:00:00'), cadre);
    expect(r.status).toBe('met');
  });

  it('B9: 99 poor mothers assisted is short, 100 is met; other services do not count', async () => {
    await fx.add.service({ orgUnitId: 'binzhou', servedOn: '2012-05-01', category: 'care', subtype: 'poor_mother', peopleServed: 60 });
    await fx.add.service({ orgUnitId: 'bincheng', servedOn: '2012-06-01', category: 'care', subtype: 'poor_mother', peopleServed: 39 });
    await fx.add.service({ orgUnitId: 'bincheng', servedOn: '2012-06-01', category: 'law', peopleServed: 500 });
    let r = await fx.one('B9', bj('2013-01-01T09:00:00'), '*');
    expect([r.actual, r.status]).toEqual([99, 'missed']);
    await fx.add.service({ orgUnitId: 'huimin', servedOn: '2012-12-31', category: 'care', subtype: 'poor_mother', peopleServed: 1 });
    r = await fx.one('B9', bj('2013-01-01T09:00:00'), '*');
    expect([r.actual, r.status]).toEqual([100, 'met']);
  });

  it('B10: a county with no plan on 2012-04-21 has missed; a plan at 23:59 Beijing on 20 April is on time, at 00:00 on 21 April late', async () => {
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'huimin')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'huimin', type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: bj('2012-04-20T23:59:59') });
    await fx.add.submission({ orgUnitId: 'boxing', type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: bj('2012-04-21T00:00:00') });
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'huimin')).status).toBe('met');
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'boxing')).status).toBe('late');
    // Development zones report like counties.
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'beihai-zone')).status).toBe('missed');
  });

  it('B10: a plan sent to another unit than the city 组宣部 does not count', async () => {
    await fx.add.submission({ orgUnitId: 'wudi', type: 'plan', recipientOrgUnitId: 'leading-group', submittedAt: bj('2012-04-10T10:00:00') });
    await fx.add.submission({ orgUnitId: 'huimin', type: 'plan', submittedAt: bj('2012-04-10T10:00:00') });
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'wudi')).status).toBe('missed');
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'huimin')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'wudi', type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: bj('2012-04-20T10:00:00') });
    expect((await fx.one('B10', bj('2012-04-21T08:00:00'), 'wudi')).status).toBe('met');
  });

  it('B11: two-month periods from April (Apr–May … Nov) and December alone as the last, keyed 2012-12; a report naming its period counts even if sent after it', async () => {
    const all = await fx.evaluate({ asOf: new Date(bj('2012-12-31T09:00:00')), ruleIds: ['B11'], window: { from: '2012-01-01', to: '2013-01-10' } });
    expect([...new Set(all.map((x) => `${x.period.key}:${x.period.start}~${x.period.end}:${x.due}`))]).toEqual([
      '2012-04/2012-05:2012-04-01~2012-05-31:2012-06-05',
      '2012-06/2012-07:2012-06-01~2012-07-31:2012-08-05',
      '2012-08/2012-09:2012-08-01~2012-09-30:2012-10-05',
      '2012-10/2012-11:2012-10-01~2012-11-30:2012-12-05',
      '2012-12:2012-12-01~2012-12-31:2013-01-05',
    ]);
    await fx.add.submission({ orgUnitId: 'zouping', type: 'progress', period: '2012-12', submittedAt: bj('2013-01-05T18:00:00') });
    expect((await fx.one('B11', bj('2013-01-06T09:00:00'), 'zouping', '2012-12')).status).toBe('met');
    await fx.add.submission({ orgUnitId: 'zouping', type: 'progress', period: '2012-04/2012-05', submittedAt: bj('2012-06-05T18:00:00') });
    expect((await fx.one('B11', bj('2012-06-06T09:00:00'), 'zouping', '2012-04/2012-05')).status).toBe('met');
    expect((await fx.one('B11', bj('2012-06-06T09:00:00'), 'yangxin', '2012-04/2012-05')).status).toBe('missed');
  });

  it('B12: each county is inspected monthly from May; April is not a period', async () => {
    await fx.add.inspection({ orgUnitId: 'wudi', inspectedOn: '2012-05-20' });
    expect((await fx.one('B12', bj('2012-06-01T09:00:00'), 'wudi', '2012-05')).status).toBe('met');
    expect((await fx.one('B12', bj('2012-06-01T09:00:00'), 'huimin', '2012-05')).status).toBe('missed');
    const april = await fx.evaluate({ asOf: new Date(bj('2012-05-01T09:00:00')), ruleIds: ['B12'], window: { from: '2012-04-01', to: '2012-04-30' } });
    expect(april).toEqual([]);
  });
});

describe('engine: spanning records', () => {
  it('a field trip from 30 May to 2 June counts 2 days in May and 2 in June under a monthly day quota', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'binzhou' });
    await fx.add.fieldTrip({ personId: cadre, startDate: '2012-05-30', endDate: '2012-06-02' });
    fx.tenant.rules.push({
      id: 'T-DAYS',
      title: '每月下基层天数（测试）',
      source: { document: '滨妇发[2012]15号', clause: '二(一)' },
      subject: { type: 'people', duty: ['office_cadre'] },
      period: { type: 'month' },
      active: { from: '2012-04-01', until: '2012-12-31' },
      due: { afterPeriodEnd: 0 },
      combine: 'all',
      parts: [{ metric: 'sum', kind: 'field_trip', field: 'daysInPeriod', min: 3, where: {}, matchPeriodBy: 'date', scope: 'self' }],
    });
    const may = await fx.one('T-DAYS', bj('2012-07-01T09:00:00'), cadre, '2012-05');
    const june = await fx.one('T-DAYS', bj('2012-07-01T09:00:00'), cadre, '2012-06');
    expect([may.actual, june.actual]).toEqual([2, 2]);
    // As of 1 June only the May days (and 1 June itself) have happened.
    expect((await fx.one('T-DAYS', bj('2012-06-01T09:00:00'), cadre, '2012-06')).actual).toBe(1);
  });
});
