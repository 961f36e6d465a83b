import { Hono } from '../lib/hono.ts';
import * as v from 'valibot';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../env.ts';
import { outbox } from '../../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc, PageQuery, encodeCursor } from '../lib/openapi.ts';
import { requireAccess } from '../middleware/auth.ts';
import { checkInstant, recordManualRun, runCheck } from '../jobs/checks.ts';
import { refreshCompliance } from '../rules/materialise.ts';
import { AsOfSchema, IdParam } from './schemas.ts';

const RunBody = v.strictObject({
  asOf: v.optional(v.pipe(AsOfSchema, v.description('按此时刻检查；日期表示当天北京时间 08:00（与每日定时检查相同）'))),
  dryRun: v.optional(v.pipe(v.boolean(), v.description('只列出将要发送的邮件，不入队、不发送')), false),
});
const RunResult = v.object({
  asOf: v.string(),
  today: v.string(),
  since: v.string(),
  basis: v.pipe(v.picklist(['refresh', 'evaluation']), v.description('refresh：按当天已更新的存储考核结果（截至当天结束）计划邮件；evaluation：按 asOf 时刻重新计算（试运行、检查的不是今天，或存储结果未能更新时）')),
  planned: v.number(),
  enqueued: v.number(),
  alreadyQueued: v.number(),
  emails: v.array(v.object({ key: v.string(), kind: v.string(), to: v.string(), subject: v.string(), queued: v.boolean() })),
  delivery: v.optional(v.object({ sent: v.number(), retrying: v.number(), failed: v.number(), waiting: v.pipe(v.number(), v.description('未配置 SMTP，留在发件箱等待的邮件数（不消耗重试次数）')) })),
});
const OutboxQuery = v.strictObject({
  ...PageQuery,
  status: v.optional(v.picklist(['pending', 'sending', 'sent', 'failed'])),
  kind: v.optional(v.picklist(['reminder', 'overdue', 'escalation', 'digest'])),
  rule: v.optional(v.pipe(v.string(), v.maxLength(20))),
});
const MailState = v.object({ configured: v.pipe(v.boolean(), v.description('能否发送邮件（已配置 SMTP 或在 Node 上写 .eml 文件）')), transport: v.pipe(v.string(), v.description('发送方式，如 smtp://smtp.126.com:465、eml:data/mail/lixia、unconfigured')) });
const OutboxEntry = v.object({
  id: v.string(),
  key: v.string(),
  kind: v.string(),
  ruleId: v.nullable(v.string()),
  recipientEmail: v.string(),
  subject: v.string(),
  status: v.string(),
  attempts: v.number(),
  nextAttemptAt: v.string(),
  lastError: v.nullable(v.string()),
  createdAt: v.string(),
  sentAt: v.nullable(v.string()),
});

export const checkRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .post(
      '/checks/run',
      doc({ tag: '督办提醒', summary: '立即运行考核检查（管理员）：入队并发送提醒、逾期通知、督办和每日汇总；dryRun 只列出', ok: { schema: RunResult } }),
      requireAccess('admin'),
      validate('json', RunBody),
      async (c) => {
        const body = c.req.valid('json');
        const asOf = checkInstant(body.asOf, c.get('tenant').timeZone, deps.clock.now());
        const out = await runCheck(deps, c.get('tenant'), c.get('db'), { asOf, dryRun: body.dryRun });
        if (!body.dryRun) await recordManualRun(c.get('db'), asOf, deps.clock.now(), 'manual (api)');
        return c.json(out);
      },
    )
    .post(
      '/compliance/refresh',
      doc({ tag: '考核', summary: '重新计算全部考核结果（管理员）', description: '考核结果平时随每次登记、导入和每日检查自动更新；此接口按当前配置和全部记录重新计算今天的全部结果，用于核对或修复。', ok: { schema: v.object({ day: v.string(), rules: v.number(), rows: v.number() }) } }),
      requireAccess('admin'),
      validate('json', v.strictObject({})),
      async (c) => {
        const res = await refreshCompliance(c.get('db'), c.get('tenant'), deps.clock.now(), { full: true });
        return c.json({ day: res.day, rules: res.rules, rows: res.rows });
      },
    )
    .get('/outbox', doc({ tag: '督办提醒', summary: '邮件发件箱（管理员）', description: 'mail.configured 为 false 时（Workers 上未配置 SMTP），邮件留在发件箱等待，不消耗重试次数，配置后再发送。', ok: { schema: v.object({ items: v.array(OutboxEntry), nextCursor: v.nullable(v.string()), mail: MailState }) } }), requireAccess('admin'), validate('query', OutboxQuery), async (c) => {
      const q = c.req.valid('query');
      const before = q.cursor;
      const conds: (SQL | undefined)[] = [
        q.status ? eq(outbox.status, q.status) : undefined,
        q.kind ? eq(outbox.kind, q.kind) : undefined,
        q.rule ? eq(outbox.ruleId, q.rule) : undefined,
        before ? lt(outbox.id, before) : undefined,
      ];
      const rows = await c.get('db')
        .select({ id: outbox.id, key: outbox.key, kind: outbox.kind, ruleId: outbox.ruleId, recipientEmail: outbox.recipientEmail, subject: outbox.subject, status: outbox.status, attempts: outbox.attempts, nextAttemptAt: outbox.nextAttemptAt, lastError: outbox.lastError, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
        .from(outbox)
        .where(and(...conds))
        .orderBy(desc(outbox.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const transport = deps.mail(c.get('tenant'));
      return c.json({ items: page, nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].id) : null, mail: { configured: !transport.unconfigured, transport: transport.describe } });
    })
    .post('/outbox/:id/retry', doc({ tag: '督办提醒', summary: '重新发送一封失败的邮件（管理员）', ok: { schema: OutboxEntry } }), requireAccess('admin'), validate('param', IdParam), async (c) => {
      const [row] = await c.get('db')
        .update(outbox)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: deps.clock.now().toISOString() })
        .where(and(eq(outbox.id, c.req.valid('param').id), eq(outbox.status, 'failed')))
        .returning();
      if (!row) throw notFound();
      return c.json(row);
    });
