/**
 * The counting conventions that hold for every rule (DOMAIN.md "Counting
 * conventions" 1–7), each at its boundary, through the catalogue lines the
 * federations' documents give as examples.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/records.ts';
import { planNotifications } from '../../../src/jobs/notify.ts';

let fx: EngineFixture;
afterEach(() => fx?.close());
const bj = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('1. "N户", "N名" count distinct things', () => {
  it('B3: ten visits to one household are one household (short); ten households are met', async () => {
    fx = await engineFixture('binzhou');
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'huimin' });
    const home = await fx.add.household({ orgUnitId: 'huimin' });
    for (let d = 1; d <= 10; d++) await fx.add.visit({ personId: cadre, householdId: home, visitedOn: `2012-05-${String(d).padStart(2, '0')}` });
    let r = await fx.one('B3', bj('2012-10-01T09:00:00'), cadre);
    expect([r.actual, r.status]).toEqual([1, 'missed']);
    for (let i = 0; i < 9; i++) await fx.add.visit({ personId: cadre, householdId: await fx.add.household({ orgUnitId: 'huimin' }), visitedOn: '2012-06-01' });
    r = await fx.one('B3', bj('2012-10-01T09:00:00'), cadre);
    expect([r.actual, r.status]).toEqual([10, 'met']);
  });

  it('H2: five pairings with one named woman are one woman; five different women are met', async () => {
    fx = await engineFixture('harbin');
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'yanjiu' });
    await fx.add.diary({ personId: cadre, entryDate: '2017-03-01' });
    for (let i = 0; i < 5; i++) await fx.add.pairing({ personId: cadre, startedOn: '2017-02-01', beneficiaryType: 'woman', beneficiaryName: '李某' });
    expect((await fx.one('H2', bj('2018-01-01T09:00:00'), cadre, '2017')).missing).toEqual(['直接联系妇女群众还差 4人']);
    for (const name of ['王某', '张某', '刘某', '陈某']) await fx.add.pairing({ personId: cadre, startedOn: '2017-02-01', beneficiaryType: 'woman', beneficiaryName: name });
    expect((await fx.one('H2', bj('2018-01-01T09:00:00'), cadre, '2017')).status).toBe('met');
  });
});

describe('2. day quotas count distinct calendar days, clipped to the period', () => {
  it('B1: the same 30-day trip recorded twice is 30 days, not 60; overlapping trips count shared days once; adjacent ones add up', async () => {
    fx = await engineFixture('binzhou');
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'bincheng' });
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-05-01', endDate: '2012-05-30' });
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-05-01', endDate: '2012-05-30' });
    expect((await fx.one('B1', bj('2013-01-05T09:00:00'), leader, '2012')).actual).toBe(30);
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-05-25', endDate: '2012-06-09' }); // 10 new days
    expect((await fx.one('B1', bj('2013-01-05T09:00:00'), leader, '2012')).actual).toBe(40);
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-06-10', endDate: '2012-06-29' }); // adjacent: 20 more
    expect((await fx.one('B1', bj('2013-01-05T09:00:00'), leader, '2012')).actual).toBe(60);
  });
});

describe('3. what was done late stays late', () => {
  it('B2: a May trip entered by 5 June is met; entered on 6 June or in December it is late, never met', async () => {
    fx = await engineFixture('binzhou');
    const onTime = await fx.person({ duty: 'office_cadre', orgUnitId: 'binzhou' });
    const backdated = await fx.person({ duty: 'office_cadre', orgUnitId: 'binzhou' });
    for (const d of ['2012-05-03', '2012-05-10']) {
      await fx.add.fieldTrip({ personId: onTime, startDate: d, enteredAt: bj('2012-06-05T23:59:00') });
      await fx.add.fieldTrip({ personId: backdated, startDate: d, enteredAt: bj('2012-06-06T00:00:00') });
    }
    expect((await fx.one('B2', bj('2012-06-07T09:00:00'), onTime, '2012-05')).status).toBe('met');
    expect((await fx.one('B2', bj('2012-06-07T09:00:00'), backdated, '2012-05')).status).toBe('late');
    const december = await fx.person({ duty: 'office_cadre', orgUnitId: 'binzhou' });
    for (const d of ['2012-05-03', '2012-05-10']) await fx.add.fieldTrip({ personId: december, startDate: d, enteredAt: bj('2012-12-20T10:00:00') });
    expect((await fx.one('B2', bj('2012-12-21T09:00:00'), december, '2012-05')).status).toBe('late');
  });

  it('B1: trip days entered after 31 December count toward late, not met', async () => {
    fx = await engineFixture('binzhou');
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'bincheng' });
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-05-01', endDate: '2012-06-29', enteredAt: bj('2013-01-01T08:00:00') });
    const r = await fx.one('B1', bj('2013-01-05T09:00:00'), leader, '2012');
    expect([r.actual, r.status]).toEqual([60, 'late']);
  });

  it('B10: a submission is on time by its own sending time, whenever it was typed in', async () => {
    fx = await engineFixture('binzhou');
    await fx.add.submission({ orgUnitId: 'bincheng', type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: bj('2012-04-20T23:59:00'), enteredAt: bj('2012-05-15T10:00:00') });
    expect((await fx.one('B10', bj('2012-06-01T09:00:00'), 'bincheng')).status).toBe('met');
  });
});

describe('4. rates over a period are final at the due date', () => {
  it('L8: 49 of 50 closed by 31 December is 98%, met; 48 by then and one on 1 January stays missed at 96%', async () => {
    fx = await engineFixture('lixia');
    for (let i = 0; i < 48; i++) await fx.add.petition({ orgUnitId: 'lixia', receivedOn: '2014-06-01', closedOn: '2014-07-01' });
    await fx.add.petition({ orgUnitId: 'lixia', receivedOn: '2014-06-01', closedOn: '2015-01-01' });
    await fx.add.petition({ orgUnitId: 'lixia', receivedOn: '2014-06-01' });
    let r = await fx.one('L8', bj('2015-02-01T09:00:00'), '*', '2014');
    expect([r.status, r.actual]).toEqual(['missed', 0.96]);
    await fx.db.run((await import('drizzle-orm')).sql`update petitions set closed_on = '2014-12-31' where closed_on = '2015-01-01'`);
    r = await fx.one('L8', bj('2015-02-01T09:00:00'), '*', '2014');
    expect([r.status, r.actual]).toEqual(['met', 0.98]);
  });
});

describe('5. ongoing things count while they last', () => {
  it('H2: a pairing that ended in 2016 does not count for 2017; one ending on 1 January 2017 does; an open one does', async () => {
    fx = await engineFixture('harbin');
    const cadre = await fx.person({ duty: 'office_cadre', orgUnitId: 'yanjiu' });
    await fx.add.diary({ personId: cadre, entryDate: '2017-03-01' });
    for (let i = 0; i < 4; i++) await fx.add.pairing({ personId: cadre, startedOn: '2016-03-01', beneficiaryType: 'woman' });
    const ended = await fx.add.pairing({ personId: cadre, startedOn: '2016-03-01', endedOn: '2016-12-31', beneficiaryType: 'woman' });
    expect((await fx.one('H2', bj('2018-01-01T09:00:00'), cadre, '2017')).parts[0].actual).toBe(4);
    await fx.db.run((await import('drizzle-orm')).sql`update pairings set ended_on = '2017-01-01' where id = ${ended}`);
    const r = await fx.one('H2', bj('2018-01-01T09:00:00'), cadre, '2017');
    expect([r.parts[0].actual, r.status]).toEqual([5, 'met']);
  });
});

describe('5. a yearly "≥ 1 innovation" counts that year\'s', () => {
  it('H8: an innovation dated 2016 does not meet 2017; one dated 31 December 2017 does', async () => {
    fx = await engineFixture('harbin');
    const old = await fx.add.contactPoint({ orgUnitId: 'wuchang', establishedOn: '2016-05-01', innovationOn: '2016-06-01' });
    const current = await fx.add.contactPoint({ orgUnitId: 'wuchang', establishedOn: '2016-05-01', innovationOn: '2017-12-31' });
    const results = await fx.evaluate({ asOf: new Date(bj('2018-01-01T09:00:00')), ruleIds: ['H8'], window: { from: '2017-12-31', to: '2018-01-01' } });
    const byId = Object.fromEntries(results.filter((r) => r.period.key === '2017').map((r) => [r.subject.id, r.status]));
    expect(byId).toEqual({ [old]: 'missed', [current]: 'met' });
  });
});

describe('6. nothing to count is not "met"', () => {
  it('L4: with no communities the rate is not_applicable, not met, and no email is planned for it; one unorganised community makes it missed', async () => {
    fx = await engineFixture('lixia');
    const results = await fx.evaluate({ asOf: new Date(bj('2015-01-02T09:00:00')), ruleIds: ['L4'] });
    const r = results.find((x) => x.period.key === '2014')!;
    expect([r.status, r.actualText]).toEqual(['not_applicable', '无可计算对象（0/0）']);
    const planned = planNotifications({ tenant: fx.tenant, results, directory: { people: [{ id: 'a', name: '管理员', email: 'a@lixia.cn', access: 'admin', duty: null, orgUnitId: 'lixia' }], units: [] }, today: '2015-01-02', since: '2014-12-01', baseUrl: 'http://x' });
    expect(planned.filter((p) => p.ruleId === 'L4')).toEqual([]);
    await fx.orgUnit({ id: 'c1', level: 'community', type: 'unorganised', parentId: 'jianxin' });
    expect((await fx.one('L4', bj('2015-01-02T09:00:00'), '*', '2014')).status).toBe('missed');
  });
});

describe('8. the duty-bearer gets the reminders; escalations never go to the person who is short', () => {
  const directoryOf = async (fx: EngineFixture, people: { id: string; email: string; access: 'admin' | 'supervisor' | 'member'; duty?: string; orgUnitId: string }[]) => ({
    people: people.map((p) => ({ name: p.email, duty: null, ...p })),
    units: ((await fx.db.all((await import('drizzle-orm')).sql`select id, name, parent_id as parentId from org_units`)) as { id: string; name: string; parentId: string | null }[]),
  });

  it("B12: a county not yet inspected in May: the reminder goes to the leading group that must inspect, not to the county", async () => {
    fx = await engineFixture('binzhou');
    const results = (await fx.evaluate({ asOf: new Date(bj('2012-05-24T08:00:00')), ruleIds: ['B12'] })).filter((r) => r.subject.id === 'bincheng' && r.period.key === '2012-05');
    expect(results.map((r) => r.status)).toEqual(['at_risk']);
    const directory = await directoryOf(fx, [
      { id: 'lg', email: 'group@binzhou.cn', access: 'supervisor', orgUnitId: 'leading-group' },
      { id: 'county', email: 'county@binzhou.cn', access: 'supervisor', orgUnitId: 'bincheng' },
    ]);
    const planned = planNotifications({ tenant: fx.tenant, results, directory, today: '2012-05-24', since: '2012-05-23', baseUrl: 'http://x' });
    expect(planned.filter((p) => p.kind === 'reminder').map((p) => p.recipient.email)).toEqual(['group@binzhou.cn']);
  });

  it('H5: a city leader short of her petition-window session is escalated to 权益部, never to herself', async () => {
    fx = await engineFixture('harbin');
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'harbin', email: 'leader@hrb.cn', access: 'supervisor' });
    const results = (await fx.evaluate({ asOf: new Date(bj('2018-01-10T08:00:00')), ruleIds: ['H5'] })).filter((r) => r.subject.id === leader && r.period.key === '2017');
    expect(results.map((r) => r.status)).toEqual(['missed']);
    const directory = await directoryOf(fx, [
      { id: leader, email: 'leader@hrb.cn', access: 'supervisor', duty: 'leader', orgUnitId: 'harbin' },
      { id: 'qy', email: 'quanyi@hrb.cn', access: 'supervisor', orgUnitId: 'quanyi' },
    ]);
    const planned = planNotifications({ tenant: fx.tenant, results, directory, today: '2018-01-10', since: '2017-12-31', baseUrl: 'http://x' });
    const escalations = planned.filter((p) => p.kind === 'escalation').map((p) => p.recipient.email);
    expect(escalations).toEqual(['quanyi@hrb.cn']);
    expect(planned.filter((p) => p.kind === 'overdue').map((p) => p.recipient.email)).toEqual(['leader@hrb.cn']);
  });
});

describe('7. pace, not only the calendar', () => {
  it('B1 at 0 of 60 days: on_track on 2 November (60 days left), at_risk on 3 November (59 left) and on 1 December', async () => {
    fx = await engineFixture('binzhou');
    const leader = await fx.person({ duty: 'leader', orgUnitId: 'bincheng' });
    expect((await fx.one('B1', bj('2012-11-02T09:00:00'), leader, '2012')).status).toBe('on_track');
    expect((await fx.one('B1', bj('2012-11-03T09:00:00'), leader, '2012')).status).toBe('at_risk');
    expect((await fx.one('B1', bj('2012-12-01T09:00:00'), leader, '2012')).status).toBe('at_risk');
    await fx.add.fieldTrip({ personId: leader, startDate: '2012-11-01', endDate: '2012-11-10' });
    // 10 days done: 50 short with 59 days left is feasible again.
    expect((await fx.one('B1', bj('2012-11-03T09:00:00'), leader, '2012')).status).toBe('on_track');
  });
});

describe('a case judged by its own deadline', () => {
  it('L9: a superior-assigned case without a due date says so in what is missing, instead of silently using 31 December', async () => {
    fx = await engineFixture('lixia');
    const id = await fx.add.petition({ orgUnitId: 'jianxin', receivedOn: '2014-03-01', superiorAssigned: true, closedOn: '2014-03-09', reportedOn: '2014-03-10' });
    const r = (await fx.evaluate({ asOf: new Date(bj('2014-03-12T09:00:00')), ruleIds: ['L9'] })).find((x) => x.subject.id === id)!;
    expect(r.missing).toEqual(['未填写办理期限']);
    expect(r.targetText).toContain('未填写办理期限');
  });
});
