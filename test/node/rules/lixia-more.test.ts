/**
 * 历下妇发〔2012〕8号, 〔2013〕9号 and 〔2013〕12号: the lines the first catalogue
 * missed (L13–L27, L-M5–L-M11), each at its boundary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await engineFixture('lixia');
});
afterEach(() => fx.close());
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();
const at = (day: string) => bj(`${day}T09:00:00`);

describe('lixia, more lines', () => {
  it('L2: a commendation meeting held in January counts for that year, not the one before', async () => {
    await fx.add.event({ orgUnitId: 'lixia', type: 'commendation_meeting', startDate: '2013-01-10' });
    expect((await fx.one('L2', at('2013-02-01'), '*', '2012')).status).toBe('missed');
    expect((await fx.one('L2', at('2014-01-01'), '*', '2013')).status).toBe('met');
  });

  it('L13: a 三八维权周 event on 15 March is met; one on 16 March is outside the week and leaves the street missed', async () => {
    await fx.add.event({ orgUnitId: 'jiefanglu', type: 'rights_week', startDate: '2014-03-15' });
    await fx.add.event({ orgUnitId: 'qianfoshan', type: 'rights_week', startDate: '2014-03-16' });
    const r = await fx.one('L13', at('2014-03-20'), 'jiefanglu', '2014');
    expect([r.status, r.period.label, r.due]).toEqual(['met', '2014年3月1日至3月15日', '2014-03-15']);
    expect((await fx.one('L13', at('2014-03-20'), 'qianfoshan', '2014')).status).toBe('missed');
  });

  it('L14: the first quarter\'s petition statistics naming 2014-Q1 are on time on 5 April and late on 6 April', async () => {
    await fx.add.submission({ orgUnitId: 'lixia', type: 'petition_statistics', period: '2014-Q1', submittedAt: bj('2014-04-05T23:00:00') });
    expect((await fx.one('L14', at('2014-04-07'), '*', '2014-Q1')).status).toBe('met');
    await fx.add.submission({ orgUnitId: 'lixia', type: 'petition_statistics', period: '2014-Q2', submittedAt: bj('2014-07-06T08:00:00') });
    expect((await fx.one('L14', at('2014-07-07'), '*', '2014-Q2')).status).toBe('late');
  });

  it('L15: a street re-checks its single-parent poor mothers each half-year, due 5 July for January–June', async () => {
    await fx.add.submission({ orgUnitId: 'daminghu', type: 'recheck', period: '2014-H1', submittedAt: bj('2014-07-05T17:00:00') });
    const r = await fx.one('L15', at('2014-07-06'), 'daminghu', '2014-H1');
    expect([r.status, r.period.label, r.due]).toEqual(['met', '2014年上半年', '2014-07-05']);
    expect((await fx.one('L15', at('2014-07-06'), 'dongguan', '2014-H1')).status).toBe('missed');
  });

  it('L16: a 六一 activity on 1 June is met; the first on 2 June is late', async () => {
    await fx.add.event({ orgUnitId: 'wendong', type: 'children_day', startDate: '2014-06-01' });
    await fx.add.event({ orgUnitId: 'jianxin', type: 'children_day', startDate: '2014-06-02' });
    expect((await fx.one('L16', at('2014-06-03'), 'wendong', '2014')).status).toBe('met');
    expect((await fx.one('L16', at('2014-06-03'), 'jianxin', '2014')).status).toBe('late');
  });

  it('L17: the 春蕾女童 register sent on 31 December is met; none is missed the next day', async () => {
    expect((await fx.one('L17', at('2015-01-01'), '*', '2014')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'lixia', type: 'register', submittedAt: bj('2014-12-31T18:00:00') });
    expect((await fx.one('L17', at('2015-01-01'), '*', '2014')).status).toBe('met');
  });

  it('L18: a parents\' school with four of the five 有 names the fifth as missing; all five is met', async () => {
    for (const m of ['parents_school_teachers', 'parents_school_place', 'parents_school_plan', 'parents_school_activities']) {
      await fx.add.submission({ orgUnitId: 'parents-school', type: 'milestone_report', milestone: m, submittedAt: bj('2014-10-01T10:00:00') });
    }
    let r = await fx.one('L18', at('2015-01-01'), 'parents-school', '2014');
    expect([r.status, r.missing]).toEqual(['missed', ['有教学效果尚未完成']]);
    await fx.add.submission({ orgUnitId: 'parents-school', type: 'milestone_report', milestone: 'parents_school_results', submittedAt: bj('2014-12-30T10:00:00') });
    r = await fx.one('L18', at('2015-01-01'), 'parents-school', '2014');
    expect(r.status).toBe('met');
  });

  it('L19: 999 of a 1,000 press subscription quota is short; 1,000 is met; no quota given is not_applicable', async () => {
    expect((await fx.one('L19', at('2015-01-01'), '*', '2014')).status).toBe('not_applicable');
    await fx.add.submission({ orgUnitId: 'lixia', type: 'press_subscription', quota: 1000, quantity: 600, submittedAt: bj('2014-03-01T10:00:00') });
    await fx.add.submission({ orgUnitId: 'lixia', type: 'press_subscription', quantity: 399, submittedAt: bj('2014-06-01T10:00:00') });
    expect((await fx.one('L19', at('2015-01-01'), '*', '2014')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'lixia', type: 'press_subscription', quantity: 1, submittedAt: bj('2014-12-31T10:00:00') });
    expect((await fx.one('L19', at('2015-01-01'), '*', '2014')).status).toBe('met');
  });

  it('L20: a women\'s organisation set up in a 两新 organisation in 2014 meets 2014 but not 2015; one from 2013 does not count for 2014', async () => {
    await fx.orgUnit({ id: 'two-new-2013', level: 'street', type: 'two_new_org', parentId: 'lixia', establishedOn: '2013-12-31' });
    expect((await fx.one('L20', at('2015-01-01'), '*', '2014')).status).toBe('missed');
    await fx.orgUnit({ id: 'two-new-2014', level: 'street', type: 'two_new_org', parentId: 'lixia', establishedOn: '2014-05-01' });
    expect((await fx.one('L20', at('2015-01-01'), '*', '2014')).status).toBe('met');
    expect((await fx.one('L20', at('2016-01-01'), '*', '2015')).status).toBe('missed');
  });

  it('L21: the hotline\'s person on duty alone leaves the QQ group missing; both by 31 January is met', async () => {
    await fx.add.submission({ orgUnitId: 'lixia', type: 'milestone_report', milestone: 'hotline_duty', submittedAt: bj('2014-01-10T10:00:00') });
    let r = await fx.one('L21', at('2014-02-01'), '*', '2014');
    expect([r.status, r.missing]).toEqual(['missed', ['“温馨话室”娘家人QQ群专人值守尚未完成']]);
    await fx.add.submission({ orgUnitId: 'lixia', type: 'milestone_report', milestone: 'qq_group_duty', submittedAt: bj('2014-01-31T10:00:00') });
    r = await fx.one('L21', at('2014-02-01'), '*', '2014');
    expect(r.status).toBe('met');
  });

  it('L22: a member unit of the children\'s working committee reports its first-quarter information by 5 April; 6 April is late', async () => {
    await fx.orgUnit({ id: 'edu-bureau', level: 'district', type: 'children_committee_member', parentId: 'lixia' });
    await fx.orgUnit({ id: 'health-bureau', level: 'district', type: 'children_committee_member', parentId: 'lixia' });
    await fx.add.submission({ orgUnitId: 'edu-bureau', type: 'info', period: '2014-Q1', submittedAt: bj('2014-04-05T10:00:00') });
    await fx.add.submission({ orgUnitId: 'health-bureau', type: 'info', period: '2014-Q1', submittedAt: bj('2014-04-06T10:00:00') });
    expect((await fx.one('L22', at('2014-04-07'), 'edu-bureau', '2014-Q1')).status).toBe('met');
    expect((await fx.one('L22', at('2014-04-07'), 'health-bureau', '2014-Q1')).status).toBe('late');
  });

  it('L23 and L23-P: each street\'s women\'s home to the model standard; the district bids for a provincial model home', async () => {
    await fx.add.submission({ orgUnitId: 'yanshan', type: 'milestone_report', milestone: 'model_womens_home', submittedAt: bj('2014-11-01T10:00:00') });
    expect((await fx.one('L23', at('2015-01-01'), 'yanshan', '2014')).status).toBe('met');
    expect((await fx.one('L23', at('2015-01-01'), 'yaojia', '2014')).status).toBe('missed');
    expect((await fx.one('L23-P', at('2015-01-01'), '*', '2014')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'lixia', type: 'milestone_report', milestone: 'provincial_model_home_bid', submittedAt: bj('2014-12-31T10:00:00') });
    expect((await fx.one('L23-P', at('2015-01-01'), '*', '2014')).status).toBe('met');
  });

  it('L24: 2012\'s first quarter without a free clinic is missed; one on 31 March is met; there is no 2013 period', async () => {
    expect((await fx.one('L24', at('2012-04-01'), '*', '2012-Q1')).status).toBe('missed');
    await fx.add.service({ orgUnitId: 'lixia', servedOn: '2012-03-31', category: 'health', subtype: 'free_clinic', peopleServed: 40 });
    expect((await fx.one('L24', at('2012-04-01'), '*', '2012-Q1')).status).toBe('met');
    expect(await fx.evaluate({ asOf: new Date(at('2013-12-31')), ruleIds: ['L24'], window: { from: '2013-01-01', to: '2013-12-31' } })).toEqual([]);
  });

  it('L25: job openings published online in May 2012 meet May; June without any is missed', async () => {
    await fx.add.service({ orgUnitId: 'lixia', servedOn: '2012-05-20', category: 'jobs', subtype: 'job_postings', peopleServed: 0 });
    expect((await fx.one('L25', at('2012-07-01'), '*', '2012-05')).status).toBe('met');
    expect((await fx.one('L25', at('2012-07-01'), '*', '2012-06')).status).toBe('missed');
  });

  it('L26: a street\'s and a bureau committee\'s implementation plan by 30 April 2012; 1 May is late', async () => {
    await fx.add.submission({ orgUnitId: 'zhiyuan', type: 'plan', submittedAt: bj('2012-04-30T17:00:00') });
    await fx.add.submission({ orgUnitId: 'bureau-committees', type: 'plan', submittedAt: bj('2012-05-01T09:00:00') });
    expect((await fx.one('L26', at('2012-05-02'), 'zhiyuan')).status).toBe('met');
    expect((await fx.one('L26', at('2012-05-02'), 'bureau-committees')).status).toBe('late');
    expect((await fx.one('L26', at('2012-05-02'), 'longdong')).status).toBe('missed');
  });

  it('L27: nominations for 三八红旗手 sent on 1 March are met; on 2 March late', async () => {
    await fx.add.submission({ orgUnitId: 'lixia', type: 'nomination', submittedAt: bj('2015-03-02T09:00:00') });
    expect((await fx.one('L27', at('2015-03-03'), '*', '2015')).status).toBe('late');
    await fx.add.submission({ orgUnitId: 'lixia', type: 'nomination', submittedAt: bj('2014-03-01T20:00:00') });
    expect((await fx.one('L27', at('2014-03-02'), '*', '2014')).status).toBe('met');
  });

  it('L-M5…L-M11: each 〔2013〕9号 programme is met by its milestone report by 31 December 2013 and late in 2014', async () => {
    const ids = ['L-M5', 'L-M6', 'L-M7', 'L-M8', 'L-M9', 'L-M10', 'L-M11'];
    const milestones = ['anti_dv_salon', 'rights_through_train', 'new_childrens_home', 'civilised_post_training', 'expert_education_team', 'opinion_analysis_system', 'home_rules'];
    for (const [i, m] of milestones.entries()) {
      await fx.add.submission({ orgUnitId: 'lixia', type: 'milestone_report', milestone: m, submittedAt: bj(i % 2 ? '2014-01-02T10:00:00' : '2013-12-31T10:00:00') });
    }
    const all = await fx.evaluate({ asOf: new Date(at('2014-02-01')), ruleIds: ids, window: { from: '2013-01-01', to: '2014-02-01' } });
    expect(ids.map((id) => all.find((r) => r.ruleId === id)?.status)).toEqual(['met', 'late', 'met', 'late', 'met', 'late', 'met']);
  });
});
