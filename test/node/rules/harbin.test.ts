import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await engineFixture('harbin');
});
afterEach(() => fx.close());

const bj = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('harbin 哈妇发〔2016〕3号', () => {
  it('H1: periods are the even months only; a five-day work week meets April, a four-day one does not', async () => {
    const all = await fx.evaluate({ asOf: new Date(bj('2017-12-31T09:00:00')), ruleIds: ['H1'], window: { from: '2017-01-01', to: '2017-12-31' } });
    expect([...new Set(all.map((r) => r.period.key))]).toEqual(['2017-02', '2017-04', '2017-06', '2017-08', '2017-10', '2017-12']);
    await fx.add.event({ orgUnitId: 'daoli', type: 'work_week', startDate: '2017-04-10', endDate: '2017-04-14' });
    await fx.add.event({ orgUnitId: 'zuzhi', type: 'work_week', startDate: '2017-04-10', endDate: '2017-04-13' });
    expect((await fx.one('H1', bj('2017-05-01T09:00:00'), 'daoli', '2017-04')).status).toBe('met');
    expect((await fx.one('H1', bj('2017-05-01T09:00:00'), 'zuzhi', '2017-04')).status).toBe('missed');
  });

  it('H1: leap year: February 2020 ends on the 29th, and a work week ending that day is on time', async () => {
    await fx.add.event({ orgUnitId: 'songbei', type: 'work_week', startDate: '2020-02-25', endDate: '2020-02-29' });
    const r = await fx.one('H1', bj('2020-03-01T09:00:00'), 'songbei', '2020-02');
    expect([r.period.end, r.due, r.status]).toEqual(['2020-02-29', '2020-02-29', 'met']);
    expect((await fx.one('H1', bj('2021-03-01T09:00:00'), 'songbei', '2021-02')).period.end).toBe('2021-02-28');
  });

  it('H1: the campaign starts 2016-03-22: February 2016 is not a period', async () => {
    const all = await fx.evaluate({ asOf: new Date(bj('2016-05-01T09:00:00')), ruleIds: ['H1'], window: { from: '2016-01-01', to: '2016-05-01' } });
    expect([...new Set(all.map((r) => r.period.key))]).toEqual(['2016-04']);
  });

  it('H2: an office cadre with four women contacted is short, five is met; the diary is required too', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'yanjiu' });
    for (let i = 0; i < 4; i++) await fx.add.pairing({ personId: cadre, startedOn: '2016-12-01', beneficiaryType: 'woman' });
    await fx.add.diary({ personId: cadre, entryDate: '2017-03-01' });
    let r = await fx.one('H2', bj('2018-01-01T09:00:00'), cadre, '2017');
    expect(r.missing).toEqual(['直接联系妇女群众还差 1人']);
    await fx.add.pairing({ personId: cadre, startedOn: '2017-06-01', beneficiaryType: 'woman' });
    r = await fx.one('H2', bj('2018-01-01T09:00:00'), cadre, '2017');
    expect(r.status).toBe('met');
  });

  it('H3: a district committee member needs one grassroots organisation and one woman around her; a street one is not a subject', async () => {
    const member = await fx.person({ duty: 'committee_member', orgUnitId: 'nangang' });
    await fx.orgUnit({ id: 'street-x', level: 'street', type: 'federation', parentId: 'nangang' });
    const streetMember = await fx.person({ duty: 'committee_member', orgUnitId: 'street-x' });
    expect((await fx.one('H3', bj('2018-01-01T09:00:00'), member, '2017')).status).toBe('missed');
    await fx.add.pairing({ personId: member, startedOn: '2017-02-01', beneficiaryType: 'grassroots_org' });
    let r = await fx.one('H3', bj('2018-01-01T09:00:00'), member, '2017');
    expect([r.status, r.missing]).toEqual(['missed', ['联系身边的妇女群众还差 1人']]);
    await fx.add.pairing({ personId: member, startedOn: '2017-03-01', beneficiaryType: 'poor_woman', beneficiaryName: '王某' });
    r = await fx.one('H3', bj('2018-01-01T09:00:00'), member, '2017');
    expect(r.status).toBe('met');
    const all = await fx.evaluate({ asOf: new Date(bj('2018-01-01T09:00:00')), ruleIds: ['H3'] });
    expect(all.some((r) => r.subject.id === streetMember)).toBe(false);
  });

  it('H4: a service point with a brand project and a solved problem still lacks a suggestion', async () => {
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'daowai' });
    await fx.add.contactPoint({ personId: cadre, establishedOn: '2016-05-01', brandProject: '巾帼家政', problemSolved: '留守儿童托管' });
    let r = await fx.one('H4', bj('2018-01-01T09:00:00'), cadre, '2017');
    expect(r.missing).toEqual(['工作建议还差 1项']);
    expect(r.actualText).toBe('3/4 项达标');
    await fx.add.contactPoint({ personId: cadre, establishedOn: '2017-11-01', suggestion: '建议建立妇女议事会' });
    r = await fx.one('H4', bj('2018-01-01T09:00:00'), cadre, '2017');
    expect(r.status).toBe('met');
  });

  it('H5: a city leader with one petition-window session meets the year', async () => {
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'harbin' });
    expect((await fx.one('H5', bj('2017-12-20T09:00:00'), leader, '2017')).status).toBe('on_track');
    expect((await fx.one('H5', bj('2017-12-28T09:00:00'), leader, '2017')).status).toBe('at_risk');
    await fx.add.event({ personId: leader, orgUnitId: 'quanyi', type: 'petition_reception', startDate: '2017-12-28' });
    expect((await fx.one('H5', bj('2017-12-29T09:00:00'), leader, '2017')).status).toBe('met');
  });

  // Was: a third suggestion turned H6 into missed. "1-2篇" asks for one or two, it does not forbid a third.
  it('H6: a district with no suggestion is missed; one is met, and a third does not undo it ("1-2篇" is not a ceiling)', async () => {
    expect((await fx.one('H6', bj('2018-01-01T09:00:00'), 'acheng', '2017')).status).toBe('missed');
    for (let i = 0; i < 3; i++) {
      await fx.add.submission({ orgUnitId: 'acheng', type: 'suggestion', submittedAt: bj(`2017-0${i + 3}-01T10:00:00`) });
      const r = await fx.one('H6', bj('2018-01-01T09:00:00'), 'acheng', '2017');
      expect([r.status, r.actual]).toEqual(['met', i + 1]);
    }
  });

  it('H7: a time-limited case closed on its due date is met, the day after is late', async () => {
    const a = await fx.add.petition({ orgUnitId: 'hulan', receivedOn: '2017-05-01', dueDate: '2017-05-15', closedOn: '2017-05-15' });
    const b = await fx.add.petition({ orgUnitId: 'hulan', receivedOn: '2017-05-01', dueDate: '2017-05-15', closedOn: '2017-05-16' });
    await fx.add.petition({ orgUnitId: 'hulan', receivedOn: '2017-05-01' });
    const results = await fx.evaluate({ asOf: new Date(bj('2017-06-01T09:00:00')), ruleIds: ['H7'] });
    expect(results.map((r) => [r.subject.id, r.status]).sort()).toEqual([[a, 'met'], [b, 'late']].sort());
  });

  it('H8: each contact point needs an innovation highlight by year end', async () => {
    const p1 = await fx.add.contactPoint({ orgUnitId: 'wuchang', establishedOn: '2017-03-01', innovationOn: '2017-12-31' });
    const p2 = await fx.add.contactPoint({ orgUnitId: 'wuchang', establishedOn: '2017-03-01' });
    const results = await fx.evaluate({ asOf: new Date(bj('2018-01-01T09:00:00')), ruleIds: ['H8'], window: { from: '2017-12-31', to: '2018-01-01' } });
    const byId = Object.fromEntries(results.filter((r) => r.period.key === '2017').map((r) => [r.subject.id, r.status]));
    expect(byId).toEqual({ [p1]: 'met', [p2]: 'missed' });
  });

  it('H9: two-month periods Jan–Feb, Mar–Apr…, due on the 5th after; a unit that reported is met, one that did not is missed', async () => {
    const all = await fx.evaluate({ asOf: new Date(bj('2017-12-31T09:00:00')), ruleIds: ['H9'], window: { from: '2017-01-01', to: '2017-12-31' } });
    // The window reaches back to Nov–Dec 2016, whose report was due on 5 January 2017.
    expect([...new Set(all.map((r) => `${r.period.key}:${r.due}`))]).toEqual([
      '2016-11/2016-12:2017-01-05', '2017-01/2017-02:2017-03-05', '2017-03/2017-04:2017-05-05', '2017-05/2017-06:2017-07-05',
      '2017-07/2017-08:2017-09-05', '2017-09/2017-10:2017-11-05', '2017-11/2017-12:2018-01-05',
    ]);
    await fx.add.submission({ orgUnitId: 'pingfang', type: 'progress', period: '2017-01/2017-02', submittedAt: bj('2017-03-02T10:00:00') });
    expect((await fx.one('H9', bj('2017-03-06T09:00:00'), 'pingfang', '2017-01/2017-02')).status).toBe('met');
    expect((await fx.one('H9', bj('2017-03-06T09:00:00'), 'yilan', '2017-01/2017-02')).status).toBe('missed');
  });

  it('H10: the key research topic report is due 30 September; on 1 October it is late', async () => {
    await fx.add.report({ orgUnitId: 'yanjiu', submittedOn: '2017-10-01', topic: 'key_topic' });
    const r = await fx.one('H10', bj('2017-10-02T09:00:00'), 'yanjiu', '2017');
    expect([r.due, r.status]).toEqual(['2017-09-30', 'late']);
    expect((await fx.one('H10', bj('2017-10-02T09:00:00'), 'daoli', '2017')).status).toBe('missed');
  });

  it('H11: a needs-ledger entry on 30 April is enough (either part); nothing in April is missed', async () => {
    await fx.add.need({ orgUnitId: 'bayan', recordedOn: '2017-04-30' });
    await fx.add.need({ orgUnitId: 'mulan', recordedOn: '2017-05-01' });
    expect((await fx.one('H11', bj('2017-05-01T09:00:00'), 'bayan', '2017-04')).status).toBe('met');
    expect((await fx.one('H11', bj('2017-05-01T09:00:00'), 'mulan', '2017-04')).status).toBe('missed');
  });
});
