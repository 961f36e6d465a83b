/**
 * 滨妇发[2012]15号: the lines the first catalogue missed (B13–B18) and the
 * corrected subjects of B5 and B8, each at its boundary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await engineFixture('binzhou');
});
afterEach(() => fx.close());
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('binzhou 滨妇发[2012]15号, more lines', () => {
  it('B5: a township (street) cadre is a subject too ("每位妇联干部", 三级妇联); a community cadre is not', async () => {
    const street = await fx.person({ duty: 'grassroots_cadre', orgUnitId: 'shizhong' });
    await fx.orgUnit({ id: 'sq-1', level: 'community', type: 'federation', parentId: 'shizhong' });
    const community = await fx.person({ duty: 'grassroots_cadre', orgUnitId: 'sq-1' });
    const all = await fx.evaluate({ asOf: new Date(bj('2012-10-01T09:00:00')), ruleIds: ['B5'] });
    expect(all.some((r) => r.subject.id === street)).toBe(true);
    expect(all.some((r) => r.subject.id === community)).toBe(false);
  });

  it('B8: a township cadre must pair with a poor woman and a poor child by 1 May; a pairing started 2 May is late', async () => {
    const cadre = await fx.person({ duty: 'grassroots_cadre', orgUnitId: 'pengli' });
    await fx.add.pairing({ personId: cadre, startedOn: '2012-04-20', beneficiaryType: 'poor_woman', beneficiaryName: '赵某' });
    let r = await fx.one('B8', bj('2012-05-02T09:00:00'), cadre);
    expect([r.status, r.missing]).toEqual(['missed', ['结对贫困儿童还差 1人']]);
    await fx.add.pairing({ personId: cadre, startedOn: '2012-05-02', beneficiaryType: 'poor_child', beneficiaryName: '小赵' });
    r = await fx.one('B8', bj('2012-05-03T09:00:00'), cadre);
    expect(r.status).toBe('late');
  });

  it('B13: a plan that names no responsible person does not count; one that does, sent 30 April, is met; 1 May is late', async () => {
    await fx.add.submission({ orgUnitId: 'shizhong', type: 'plan', submittedAt: bj('2012-04-15T10:00:00') });
    expect((await fx.one('B13', bj('2012-05-01T09:00:00'), 'shizhong')).status).toBe('missed');
    await fx.add.submission({ orgUnitId: 'shizhong', type: 'plan', responsible: '张主席', submittedAt: bj('2012-04-30T23:00:00') });
    expect((await fx.one('B13', bj('2012-05-01T09:00:00'), 'shizhong')).status).toBe('met');
    await fx.add.submission({ orgUnitId: 'shixi', type: 'plan', responsible: '李主席', submittedAt: bj('2012-05-01T08:00:00') });
    expect((await fx.one('B13', bj('2012-05-02T09:00:00'), 'shixi')).status).toBe('late');
    // The city federation itself and development zones are subjects; departments are not.
    const all = await fx.evaluate({ asOf: new Date(bj('2012-05-02T09:00:00')), ruleIds: ['B13'] });
    expect(all.some((r) => r.subject.id === 'binzhou')).toBe(true);
    expect(all.some((r) => r.subject.id === 'beihai-zone')).toBe(true);
    expect(all.some((r) => r.subject.id === 'zuxuan')).toBe(false);
  });

  it('B14: a mobilisation meeting on 30 April is met; the first one on 2 May is late; none is missed', async () => {
    await fx.add.event({ orgUnitId: 'bincheng', type: 'mobilisation_meeting', startDate: '2012-04-30' });
    await fx.add.event({ orgUnitId: 'zhanhua', type: 'mobilisation_meeting', startDate: '2012-05-02' });
    expect((await fx.one('B14', bj('2012-05-03T09:00:00'), 'bincheng')).status).toBe('met');
    expect((await fx.one('B14', bj('2012-05-03T09:00:00'), 'zhanhua')).status).toBe('late');
    expect((await fx.one('B14', bj('2012-05-03T09:00:00'), 'huimin')).status).toBe('missed');
  });

  it('B15: a township cadre with no diary entry in May is missed on 6 June; one dated 31 May is met; a county cadre is not a subject', async () => {
    const cadre = await fx.person({ duty: 'grassroots_cadre', orgUnitId: 'fuyuan' });
    const county = await fx.person({ duty: 'grassroots_cadre', orgUnitId: 'zhanhua' });
    expect((await fx.one('B15', bj('2012-06-06T09:00:00'), cadre, '2012-05')).status).toBe('missed');
    await fx.add.diary({ personId: cadre, entryDate: '2012-05-31' });
    expect((await fx.one('B15', bj('2012-06-06T09:00:00'), cadre, '2012-05')).status).toBe('met');
    const all = await fx.evaluate({ asOf: new Date(bj('2012-06-06T09:00:00')), ruleIds: ['B15'] });
    expect(all.some((r) => r.subject.id === county)).toBe(false);
  });

  it('B16: 100 poor mothers assisted and 99 letters is short; 100 letters is met; no mother assisted yet is not_applicable', async () => {
    expect((await fx.one('B16', bj('2013-01-01T09:00:00'), '*')).status).toBe('not_applicable');
    await fx.add.service({ orgUnitId: 'binzhou', servedOn: '2012-06-01', category: 'care', subtype: 'poor_mother', peopleServed: 100 });
    await fx.add.service({ orgUnitId: 'binzhou', servedOn: '2012-06-01', category: 'care', subtype: 'sympathy_letter', peopleServed: 99 });
    let r = await fx.one('B16', bj('2013-01-01T09:00:00'), '*');
    expect([r.status, r.actualText]).toEqual(['missed', '99.0%（99/100）']);
    await fx.add.service({ orgUnitId: 'bincheng', servedOn: '2012-12-31', category: 'care', subtype: 'sympathy_letter', peopleServed: 1 });
    r = await fx.one('B16', bj('2013-01-01T09:00:00'), '*');
    expect(r.status).toBe('met');
  });

  it('B17: the city and each county send a campaign summary by 31 December; one sent 1 January is late', async () => {
    await fx.add.submission({ orgUnitId: 'binzhou', type: 'summary', submittedAt: bj('2012-12-31T20:00:00') });
    await fx.add.submission({ orgUnitId: 'huimin', type: 'summary', submittedAt: bj('2013-01-01T09:00:00') });
    expect((await fx.one('B17', bj('2013-01-02T09:00:00'), 'binzhou')).status).toBe('met');
    expect((await fx.one('B17', bj('2013-01-02T09:00:00'), 'huimin')).status).toBe('late');
    expect((await fx.one('B17', bj('2013-01-02T09:00:00'), 'wudi')).status).toBe('missed');
  });

  it('B18: an inspection that found problems needs a rectification within 30 days (1 July for 1 June); 2 July is late; one without problems is no case', async () => {
    const a = await fx.add.inspection({ orgUnitId: 'wudi', inspectedOn: '2012-06-01', foundProblems: true, rectifiedOn: '2012-07-01' });
    const b = await fx.add.inspection({ orgUnitId: 'huimin', inspectedOn: '2012-06-01', foundProblems: true, rectifiedOn: '2012-07-02' });
    const c = await fx.add.inspection({ orgUnitId: 'zouping', inspectedOn: '2012-06-01', foundProblems: true });
    const clean = await fx.add.inspection({ orgUnitId: 'boxing', inspectedOn: '2012-06-01' });
    const all = await fx.evaluate({ asOf: new Date(bj('2012-07-10T09:00:00')), ruleIds: ['B18'] });
    const by = (id: string) => all.find((r) => r.subject.id === id);
    expect([by(a)?.due, by(a)?.status]).toEqual(['2012-07-01', 'met']);
    expect(by(b)?.status).toBe('late');
    expect([by(c)?.status, by(c)?.missing]).toEqual(['missed', ['尚未办结']]);
    expect(by(clean)).toBeUndefined();
  });
});
