import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp, addUser, countRows, type TestApp } from '../support/node-app.ts';
import { recordWriters } from '../support/records.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { runScheduled } from '../../src/jobs/index.ts';
import { deliverOutbox } from '../../src/jobs/checks.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { tmpdir } from 'node:os';
import { nodeMail } from '../../src/node-runtime.ts';
import { unconfiguredTransport } from '../../src/email/transport.ts';
import { outbox } from '../../db/schema.ts';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

type Run = { basis: 'refresh' | 'evaluation'; planned: number; enqueued: number; alreadyQueued: number; since: string; emails: { kind: string; to: string; subject: string; key: string }[]; delivery?: { sent: number; retrying: number; failed: number; waiting: number } };
const run = async (t: TestApp, tenant: string, body: Record<string, unknown>) => {
  const res = await t.request(`/v1/${tenant}/checks/run`, { method: 'POST', token: await t.adminToken(tenant), json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as Run;
};

describe('Binzhou: a county with no plan on 2012-04-21', () => {
  let t: TestApp;
  beforeEach(async () => {
    smtp.messages.length = 0;
    smtp.refuse = false;
    t = await makeTestApp({ vars: smtp.vars, now: '2012-04-21T00:00:30Z' });
    await addUser(t, 'binzhou', { name: '惠民县妇联主席', email: 'huimin@bz.test', password: 'pass-hm-123', access: 'supervisor', orgUnitId: 'huimin', duty: 'leader' });
    await addUser(t, 'binzhou', { name: '组宣部部长', email: 'zuxuan@bz.test', password: 'pass-zx-123', access: 'supervisor', orgUnitId: 'zuxuan', duty: 'leader' });
    const w = recordWriters(t.deps.database(t.tenant('binzhou')));
    for (const c of ['bincheng', 'zhanhua', 'yangxin', 'wudi', 'boxing', 'zouping', 'econ-dev-zone', 'hi-tech-zone', 'beihai-zone']) await w.add.submission({ orgUnitId: c, type: 'plan', recipientOrgUnitId: 'zuxuan', submittedAt: '2012-04-19T02:00:00.000Z' });
  });
  afterEach(() => t.close());

  it('gets an overdue notice, and the city 组宣部 an escalation, over real SMTP with a Chinese subject that decodes', async () => {
    const out = await run(t, 'binzhou', { asOf: '2012-04-21' });
    expect(out.delivery!.sent).toBe(out.enqueued);
    const b10 = smtp.messages.filter((m) => m.subject.includes('活动方案报市妇联组宣部'));
    const overdue = b10.find((m) => m.to[0] === 'huimin@bz.test')!;
    expect(overdue.subject).toBe('【逾期】惠民县妇联：“各县区妇联4月下旬前将活动方案报市妇联组宣部”已于2012年4月20日到期，尚未完成');
    expect(overdue.rawSubjectHeader).toMatch(/^=\?UTF-8\?/i);
    for (const line of ['依据：滨妇发[2012]15号 四', '目标：≥ 1份', '当前完成：0份', '尚缺：报组宣部的活动方案还差 1份', '期限：2012年4月20日（北京时间当日24时前）']) expect(overdue.text).toContain(line);
    expect(overdue.text).toMatch(/查看与登记：http:\/\/localhost:8787\/binzhou\/tasks\?rule=B10&period=[^&\s]+&subject=\S+/);
    expect(overdue.html).toContain('<table');
    const escalation = b10.find((m) => m.to[0] === 'zuxuan@bz.test')!;
    expect(escalation.subject).toBe('【督办】惠民县妇联：“各县区妇联4月下旬前将活动方案报市妇联组宣部”逾期未完成');
    // The nine counties that sent their plan get nothing about B10.
    expect(b10.filter((m) => m.to[0] === 'huimin@bz.test')).toHaveLength(1);
    expect(b10).toHaveLength(2);
  });

  it('running the check twice, and twice concurrently, delivers each email once', async () => {
    const first = await run(t, 'binzhou', { asOf: '2012-04-21' });
    const count = smtp.messages.length;
    expect(count).toBe(first.enqueued);
    const again = await run(t, 'binzhou', { asOf: '2012-04-21' });
    expect([again.enqueued, again.alreadyQueued]).toEqual([0, first.planned]);
    await Promise.all([run(t, 'binzhou', { asOf: '2012-04-21' }), run(t, 'binzhou', { asOf: '2012-04-21T09:00:00+08:00' })]);
    expect(smtp.messages.length).toBe(count);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(count);
    expect(await countRows(t, 'binzhou', 'outbox')).toBe(count);
  });

  it('two concurrent first runs queue and send each email once', async () => {
    const [a, b] = await Promise.all([run(t, 'binzhou', { asOf: '2012-04-21' }), run(t, 'binzhou', { asOf: '2012-04-21' })]);
    expect(a.enqueued + b.enqueued).toBe(a.planned);
    expect(smtp.messages.length).toBe(a.planned);
    expect(new Set(smtp.messages.map((m) => `${m.to[0]}|${m.subject}`)).size).toBe(a.planned);
  });

  it('with SMTP down the emails stay in the outbox; the next delivery sends them; none are lost', async () => {
    smtp.refuse = true;
    const out = await run(t, 'binzhou', { asOf: '2012-04-21' });
    expect(out.delivery).toEqual({ sent: 0, retrying: out.enqueued, failed: 0, waiting: 0 });
    const outbox = (await (await t.request('/v1/binzhou/outbox?status=pending', { token: await t.adminToken('binzhou') })).json()) as { items: { attempts: number; lastError: string }[] };
    expect(outbox.items).toHaveLength(out.enqueued);
    expect(outbox.items.every((i) => i.attempts === 1 && /451|unavailable/i.test(i.lastError))).toBe(true);
    smtp.refuse = false;
    // Not before the backoff has passed…
    expect((await deliverOutbox(t.deps, t.tenant('binzhou'), t.deps.database(t.tenant('binzhou')))).sent).toBe(0);
    // …then every one.
    t.setNow('2012-04-21T00:02:00Z');
    const d = await runScheduled(t.deps, '*/10 * * * *', new Date('2012-04-21T00:10:00Z'));
    expect(d.find((r) => r.tenant === 'binzhou')!.detail).toBe(`sent ${out.enqueued}, retrying 0, failed 0`);
    expect(smtp.messages.length).toBe(out.enqueued);
    expect(await countRows(t, 'binzhou', "outbox where status = 'sent'")).toBe(out.enqueued);
  });

  it('a dry run lists what would be sent and queues nothing', async () => {
    const out = await run(t, 'binzhou', { asOf: '2012-04-21', dryRun: true });
    expect(out.planned).toBeGreaterThan(0);
    expect(out.emails.some((e) => e.kind === 'escalation' && e.to === 'zuxuan@bz.test')).toBe(true);
    expect(await countRows(t, 'binzhou', 'outbox')).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it('each supervisor gets one daily digest of what is short in her subtree', async () => {
    await run(t, 'binzhou', { asOf: '2012-04-21' });
    const digests = smtp.messages.filter((m) => m.subject.startsWith('【每日汇总】'));
    expect(digests.map((m) => m.to[0]).sort()).toEqual(['huimin@bz.test']);
    expect(digests[0].subject).toBe('【每日汇总】惠民县妇联及下级：0项临近期限，1项逾期（2012年4月21日）');
    expect(digests[0].text).toContain('惠民县妇联｜各县区妇联4月下旬前将活动方案报市妇联组宣部｜');
  });

  it('only admins may run checks or read the outbox', async () => {
    const m = await addUser(t, 'binzhou', { name: '成员', email: 'm@bz.test', password: 'pass-m-123' });
    expect((await t.request('/v1/binzhou/checks/run', { method: 'POST', token: m.token, json: {} })).status).toBe(403);
    expect((await t.request('/v1/binzhou/outbox', { token: m.token })).status).toBe(403);
  });
});

describe('Harbin: bimonthly report reminders go only to units that have not reported', () => {
  let t: TestApp;
  beforeEach(async () => {
    smtp.messages.length = 0;
    t = await makeTestApp({ vars: smtp.vars, now: '2017-02-26T00:00:30Z' });
    await addUser(t, 'harbin', { name: '道里区妇联主席', email: 'daoli@hrb.test', password: 'pass-dl-123', access: 'supervisor', orgUnitId: 'daoli', duty: 'leader' });
    await addUser(t, 'harbin', { name: '南岗区妇联主席', email: 'nangang@hrb.test', password: 'pass-ng-123', access: 'supervisor', orgUnitId: 'nangang', duty: 'leader' });
    await recordWriters(t.deps.database(t.tenant('harbin'))).add.submission({ orgUnitId: 'daoli', type: 'progress', period: '2017-01/2017-02', submittedAt: '2017-02-20T02:00:00.000Z' });
  });
  afterEach(() => t.close());

  // H9 emails about Daoli and Nangang (units without a contact person of their own are reported to the tenant's admins).
  const h9 = () => smtp.messages.filter((m) => m.subject.includes('每双月向研究室上报') && /道里区|南岗区/.test(m.subject));

  it('seven days before 5 March: a reminder to Nangang, none to Daoli, which has reported', async () => {
    await run(t, 'harbin', { asOf: '2017-02-26' });
    expect(h9().map((m) => m.to[0])).toEqual(['nangang@hrb.test']);
    // The other units have no contact person with an email: one list to the admins instead of an email each.
    const all = smtp.messages.filter((m) => m.subject.includes('每双月向研究室上报'));
    expect(all.map((m) => m.to[0])).toEqual(['nangang@hrb.test']);
    const unrouted = smtp.messages.filter((m) => m.subject.startsWith('【待分派】'));
    expect(unrouted.map((m) => m.to[0])).toEqual(['hrbwomen@126.com']);
    const h9Lines = unrouted[0].text.split('\n').filter((l) => l.includes('每双月向研究室上报'));
    expect(h9Lines).toHaveLength(3 + 18 - 2);
    expect(h9Lines.some((l) => l.includes('道里区') || l.includes('南岗区'))).toBe(false);
    expect(h9Lines.some((l) => l.includes('到期提醒｜道外区妇联｜'))).toBe(true);
    expect(h9()[0].subject).toBe('【提醒】南岗区妇联：“机关各部门和各区县（市）妇联每双月向研究室上报一次活动进展情况”将于2017年3月5日到期（还剩7天）');
  });

  it('on a new day the check plans from the day\'s stored results (as of the end of the day) exactly the emails a dry run evaluating as of 08:00 then lists; a second run that day plans from them again and queues nothing new', async () => {
    const keys = (r: Run) => r.emails.map((e) => `${e.key} ${e.subject}`).sort();
    t.setNow('2017-02-27T00:00:30Z'); // the day's results are still yesterday's
    const real = await run(t, 'harbin', { asOf: '2017-02-27' });
    const dry = await run(t, 'harbin', { asOf: '2017-02-27', dryRun: true });
    expect([real.basis, dry.basis]).toEqual(['refresh', 'evaluation']);
    expect(keys(real)).toEqual(keys(dry));
    expect(real.planned).toBeGreaterThan(3);
    expect(real.emails.some((e) => e.kind === 'digest'), 'a supervisor\'s digest, planned from every short stored result').toBe(true);
    const again = await run(t, 'harbin', { asOf: '2017-02-27' });
    expect(again.basis).toBe('refresh');
    expect(keys(again)).toEqual(keys(dry));
    expect(again.enqueued).toBe(0);
  });

  it('a run that missed three days catches up on what fell due since the last successful run, once', async () => {
    t.setNow('2017-02-24T00:00:30Z');
    await runScheduled(t.deps, '0 0 * * *', new Date('2017-02-24T00:00:00Z'));
    expect(h9()).toHaveLength(0);
    t.setNow('2017-02-28T03:00:00Z');
    await runScheduled(t.deps, '0 0 * * *', new Date('2017-02-28T00:00:00Z'));
    expect(h9().map((m) => m.to[0])).toEqual(['nangang@hrb.test']);
    await runScheduled(t.deps, '0 0 * * *', new Date('2017-02-28T00:00:00Z'));
    expect(h9()).toHaveLength(1);
    // Sent on 28 February, the seven-day reminder says five days are left. On 4 March, the one-day reminder, still only to Nangang.
    t.setNow('2017-03-04T00:00:30Z');
    await runScheduled(t.deps, '0 0 * * *', new Date('2017-03-04T00:00:00Z'));
    expect(h9().map((m) => `${m.to[0]} ${m.subject.slice(-5)}`)).toEqual(['nangang@hrb.test 还剩5天）', 'nangang@hrb.test 还剩1天）']);
  });

  it('the day after the due date: an overdue notice to Nangang, and its escalation to 研究室 (the configured unit)', async () => {
    await addUser(t, 'harbin', { name: '研究室主任', email: 'yanjiu@hrb.test', password: 'pass-yj-123', access: 'supervisor', orgUnitId: 'yanjiu', duty: 'leader' });
    t.setNow('2017-03-06T00:00:30Z');
    await run(t, 'harbin', { asOf: '2017-03-06' });
    expect(h9().filter((m) => m.subject.startsWith('【逾期】')).map((m) => m.to[0])).toEqual(['nangang@hrb.test']);
    t.setNow('2017-03-08T00:00:30Z');
    await run(t, 'harbin', { asOf: '2017-03-08' });
    expect(h9().filter((m) => m.subject.startsWith('【督办】南岗区')).map((m) => m.to[0])).toEqual(['yanjiu@hrb.test']);
  });
});

describe('the embedded default without SMTP', () => {
  it('writes each email as an .eml file under data/mail/<tenant>/ and logs one line each', async () => {
    const lines: string[] = [];
    const log: Logger = { info: (e, f) => lines.push(JSON.stringify({ e, ...f })), warn: () => {}, error: () => {} };
    const t = await makeTestApp({ now: '2012-04-21T00:00:30Z', log });
    try {
      const out = await run(t, 'binzhou', { asOf: '2012-04-21' });
      const dir = join(t.dir, 'mail', 'binzhou');
      expect(existsSync(dir)).toBe(true);
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(out.enqueued);
      const eml = readFileSync(join(dir, files[0]), 'utf8');
      expect(eml).toMatch(/^Subject: =\?UTF-8\?/m);
      expect(lines.filter((l) => l.includes('mail_written'))).toHaveLength(out.enqueued);
    } finally {
      t.close();
    }
  });
});

describe('Workers without SMTP (unconfiguredTransport)', () => {
  it('mail waits in the outbox with no attempt spent however often delivery runs; the outbox says so; once SMTP is configured it is sent, once', async () => {
    let configured = false;
    const warnings: string[] = [];
    const log: Logger = { info: () => {}, warn: (e, f) => warnings.push(JSON.stringify({ e, ...f })), error: () => {} };
    const smtpMail = nodeMail(smtp.vars, tmpdir(), log);
    smtp.messages.length = 0;
    smtp.refuse = false;
    const t = await makeTestApp({ now: '2012-04-21T00:00:30Z', log, mail: (tenant) => (configured ? smtpMail(tenant) : unconfiguredTransport(tenant.id)) });
    try {
      const out = await run(t, 'binzhou', { asOf: '2012-04-21' });
      expect(out.enqueued).toBeGreaterThan(0);
      expect(out.delivery).toEqual({ sent: 0, retrying: 0, failed: 0, waiting: out.enqueued });
      const db = t.deps.database(t.tenant('binzhou'));
      // Three days of hourly deliveries: nothing is attempted, nothing turns failed.
      for (let h = 1; h <= 72; h++) {
        t.setNow(new Date(Date.parse('2012-04-21T00:00:30Z') + h * 3600_000).toISOString());
        await deliverOutbox(t.deps, t.tenant('binzhou'), db);
      }
      const rows = await db.select({ status: outbox.status, attempts: outbox.attempts }).from(outbox);
      expect(new Set(rows.map((r) => `${r.status}/${r.attempts}`))).toEqual(new Set(['pending/0']));
      expect(warnings.some((w) => w.includes('mail_not_configured') && w.includes(`"waiting":${out.enqueued}`))).toBe(true);
      const list = (await (await t.request('/v1/binzhou/outbox', { token: await t.adminToken('binzhou') })).json()) as { mail: { configured: boolean; transport: string } };
      expect(list.mail).toEqual({ configured: false, transport: 'unconfigured' });

      configured = true;
      const sent = await deliverOutbox(t.deps, t.tenant('binzhou'), db);
      expect(sent).toEqual({ sent: out.enqueued, retrying: 0, failed: 0, waiting: 0 });
      expect(smtp.messages).toHaveLength(out.enqueued);
      expect((await deliverOutbox(t.deps, t.tenant('binzhou'), db)).sent).toBe(0);
    } finally {
      t.close();
    }
  });
});
