/**
 * 哈妇发〔2016〕3号: the lines the first catalogue missed (H12–H19) and the
 * corrected H2 and H5, each at its boundary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await engineFixture('harbin');
});
afterEach(() => fx.close());
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();
const at = (day: string) => bj(`${day}T09:00:00`);

describe('harbin, more lines', () => {
  it('H2: pairings with poor women count as contacts with women (the document names them first); grassroots organisations do not', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'quanyi' });
    await fx.add.diary({ personId: cadre, entryDate: '2017-03-01' });
    for (const name of ['甲', '乙', '丙', '丁']) await fx.add.pairing({ personId: cadre, startedOn: '2017-02-01', beneficiaryType: 'poor_woman', beneficiaryName: name });
    await fx.add.pairing({ personId: cadre, startedOn: '2017-02-01', beneficiaryType: 'grassroots_org', beneficiaryName: '某社区' });
    expect((await fx.one('H2', at('2018-01-01'), cadre, '2017')).missing).toEqual(['直接联系妇女群众还差 1人']);
    await fx.add.pairing({ personId: cadre, startedOn: '2017-02-01', beneficiaryType: 'woman', beneficiaryName: '戊' });
    expect((await fx.one('H2', at('2018-01-01'), cadre, '2017')).status).toBe('met');
  });

  // The escalation to 权益部 is tested with convention 8 (conventions.test.ts).
  it('H5: city leaders and department heads, and district federation cadres, are subjects; city office cadres and street cadres are not', async () => {
    const cityLeader = await fx.person({ duty: 'leader', orgUnitId: 'harbin' });
    const departmentHead = await fx.person({ duty: 'leader', orgUnitId: 'quanyi' });
    const cityCadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'quanyi' });
    const districtCadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'daoli' });
    await fx.orgUnit({ id: 'street-h5', level: 'street', type: 'federation', parentId: 'daoli' });
    const streetCadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'street-h5' });
    const all = await fx.evaluate({ asOf: new Date(at('2018-01-02')), ruleIds: ['H5'], window: { from: '2017-01-01', to: '2018-01-02' } });
    const subjects = new Set(all.filter((r) => r.period.key === '2017').map((r) => r.subject.id));
    expect([cityLeader, departmentHead, districtCadre, cityCadre, streetCadre].map((id) => subjects.has(id))).toEqual([true, true, true, false, false]);
    const mine = all.filter((r) => r.subject.id === districtCadre && r.period.key === '2017');
    expect(mine[0].status).toBe('missed');
  });

  it('H12: a district\'s activity plan naming its staff by 30 April 2016 is met; without a named person it does not count', async () => {
    await fx.add.submission({ orgUnitId: 'daoli', type: 'plan', responsible: '王部长', submittedAt: bj('2016-04-30T16:00:00') });
    await fx.add.submission({ orgUnitId: 'daowai', type: 'plan', submittedAt: bj('2016-04-20T16:00:00') });
    expect((await fx.one('H12', at('2016-05-01'), 'daoli')).status).toBe('met');
    expect((await fx.one('H12', at('2016-05-01'), 'daowai')).status).toBe('missed');
  });

  it('H13: each department\'s work plan by 30 April 2016; 1 May is late', async () => {
    await fx.add.submission({ orgUnitId: 'zuzhi', type: 'plan', submittedAt: bj('2016-04-30T16:00:00') });
    await fx.add.submission({ orgUnitId: 'yanjiu', type: 'plan', submittedAt: bj('2016-05-01T10:00:00') });
    expect((await fx.one('H13', at('2016-05-02'), 'zuzhi')).status).toBe('met');
    expect((await fx.one('H13', at('2016-05-02'), 'yanjiu')).status).toBe('late');
    expect((await fx.one('H13', at('2016-05-02'), 'quanyi')).status).toBe('missed');
  });

  it('H14: a window (visit) case received 1 May and entered in the national system on 6 May is on time, 7 May late; a phone case is no case', async () => {
    const a = await fx.add.petition({ orgUnitId: 'nangang', receivedOn: '2017-05-01', enteredSystemOn: '2017-05-06' });
    const b = await fx.add.petition({ orgUnitId: 'nangang', receivedOn: '2017-05-01', enteredSystemOn: '2017-05-07' });
    const c = await fx.add.petition({ orgUnitId: 'nangang', receivedOn: '2017-05-01' });
    const phone = await fx.add.petition({ orgUnitId: 'nangang', channel: 'phone', receivedOn: '2017-05-01' });
    const all = await fx.evaluate({ asOf: new Date(at('2017-05-10')), ruleIds: ['H14'] });
    const by = (id: string) => all.find((r) => r.subject.id === id);
    expect([by(a)?.due, by(a)?.status, by(b)?.status, by(c)?.status, by(phone)]).toEqual(['2017-05-06', 'met', 'late', 'missed', undefined]);
  });

  it('H15-1, H15-2 and H15: after the first year 99 of 300 registered poor women insured is short of a third; 100 is met; the three-year line wants all 300', async () => {
    expect((await fx.one('H15-1', at('2017-03-22'), '*')).status).toBe('not_applicable');
    await fx.add.submission({ orgUnitId: 'harbin', type: 'statistics', milestone: 'rural_poor_women_register', quantity: 300, submittedAt: bj('2016-05-01T10:00:00') });
    await fx.add.service({ orgUnitId: 'harbin', servedOn: '2016-09-01', category: 'health', subtype: 'two_cancer_insurance', peopleServed: 99 });
    expect((await fx.one('H15-1', at('2017-03-22'), '*')).status).toBe('missed');
    await fx.add.service({ orgUnitId: 'harbin', servedOn: '2017-03-21', category: 'health', subtype: 'two_cancer_insurance', peopleServed: 1 });
    expect((await fx.one('H15-1', at('2017-03-22'), '*')).status).toBe('met');
    // Second year: 199 of 300 is short of two thirds (200).
    await fx.add.service({ orgUnitId: 'harbin', servedOn: '2017-06-01', category: 'health', subtype: 'two_cancer_insurance', peopleServed: 99 });
    expect((await fx.one('H15-2', at('2018-03-22'), '*')).status).toBe('missed');
    await fx.add.service({ orgUnitId: 'harbin', servedOn: '2018-03-21', category: 'health', subtype: 'two_cancer_insurance', peopleServed: 1 });
    expect((await fx.one('H15-2', at('2018-03-22'), '*')).status).toBe('met');
    await fx.add.service({ orgUnitId: 'harbin', servedOn: '2018-06-01', category: 'health', subtype: 'two_cancer_insurance', peopleServed: 99 });
    let r = await fx.one('H15', at('2019-03-22'), '*');
    expect([r.status, r.actualText]).toEqual(['missed', '99.6%（299/300）']);
    await fx.add.service({ orgUnitId: 'harbin', servedOn: '2019-03-21', category: 'health', subtype: 'two_cancer_insurance', peopleServed: 1 });
    r = await fx.one('H15', at('2019-03-22'), '*');
    expect(r.status).toBe('met');
  });

  it('H16 and H16-V: the assistance plan by 30 June 2016; visits to 10% of registered poor women a year, counted by household', async () => {
    await fx.add.submission({ orgUnitId: 'harbin', type: 'milestone_report', milestone: 'poor_women_assistance_plan', submittedAt: bj('2016-07-01T10:00:00') });
    expect((await fx.one('H16', at('2016-07-02'), '*')).status).toBe('late');
    await fx.add.submission({ orgUnitId: 'harbin', type: 'statistics', milestone: 'rural_poor_women_register', quantity: 30, submittedAt: bj('2016-05-01T10:00:00') });
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'quanyi' });
    const home = await fx.add.household({ orgUnitId: 'daoli' });
    await fx.add.visit({ personId: cadre, householdId: home, visitedOn: '2017-04-01', categories: ['orphan_disabled_poor'] });
    await fx.add.visit({ personId: cadre, householdId: home, visitedOn: '2017-05-01', categories: ['orphan_disabled_poor'] });
    await fx.add.visit({ personId: cadre, householdId: await fx.add.household({ orgUnitId: 'daoli' }), visitedOn: '2017-06-01', categories: ['orphan_disabled_poor'] });
    let r = await fx.one('H16-V', at('2018-01-01'), '*', '2017');
    expect([r.status, r.actualText]).toEqual(['missed', '6.6%（2/30）']);
    await fx.add.visit({ personId: cadre, householdId: await fx.add.household({ orgUnitId: 'daoli' }), visitedOn: '2017-12-31', categories: ['orphan_disabled_poor'] });
    r = await fx.one('H16-V', at('2018-01-01'), '*', '2017');
    expect([r.status, r.actualText]).toEqual(['met', '10.0%（3/30）']);
  });

  it('H17: the women\'s social guidance centre by 31 December 2016', async () => {
    expect((await fx.one('H17', at('2017-01-01'), '*')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'harbin', type: 'milestone_report', milestone: 'social_guidance_centre', submittedAt: bj('2016-12-31T10:00:00') });
    expect((await fx.one('H17', at('2017-01-01'), '*')).status).toBe('met');
  });

  it('H18: a district\'s key-topic report turned into a proposal in the year is met; one not turned is missed; none at all is not_applicable', async () => {
    expect((await fx.one('H18', at('2018-01-01'), 'songbei', '2017')).status).toBe('not_applicable');
    await fx.add.report({ orgUnitId: 'songbei', submittedOn: '2017-09-20', topic: 'key_topic' });
    expect((await fx.one('H18', at('2018-01-01'), 'songbei', '2017')).status).toBe('missed');
    await fx.add.report({ orgUnitId: 'hulan', submittedOn: '2017-09-20', topic: 'key_topic', convertedTo: 'cppcc_proposal', convertedOn: '2017-12-31' });
    expect((await fx.one('H18', at('2018-01-01'), 'hulan', '2017')).status).toBe('met');
  });

  it('H19: two people visiting the same village in the same week is a repeat (missed); the following week is not', async () => {
    await fx.orgUnit({ id: 'street-19', level: 'street', type: 'federation', parentId: 'acheng' });
    await fx.orgUnit({ id: 'village-19', level: 'community', type: 'federation', parentId: 'street-19' });
    const a = await fx.person({ duty: 'office_cadre', orgUnitId: 'yanjiu' });
    const b = await fx.person({ duty: 'office_cadre', orgUnitId: 'zuzhi' });
    await fx.add.fieldTrip({ personId: a, orgUnitId: 'village-19', startDate: '2017-04-10' }); // Monday
    await fx.add.fieldTrip({ personId: b, orgUnitId: 'village-19', startDate: '2017-04-17' }); // next Monday
    expect((await fx.one('H19', at('2017-05-01'), 'acheng', '2017-04')).status).toBe('met');
    await fx.add.fieldTrip({ personId: b, orgUnitId: 'village-19', startDate: '2017-04-14' }); // same week as a's
    const r = await fx.one('H19', at('2017-05-01'), 'acheng', '2017-04');
    expect([r.status, r.missing]).toEqual(['missed', ['同一区域重复调研走访 2次（应为 0）']]);
    expect((await fx.one('H19', at('2017-05-01'), 'daoli', '2017-04')).status).toBe('met');
  });
});
