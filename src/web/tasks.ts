/**
 * 我的任务: every rule × period that concerns me, sorted by due date, with one
 * tap to the form that records what is missing. An email's link
 * (?rule&period&subject) opens one item; the API decides who may see it.
 */
import { Hono } from '../lib/hono.ts';
import { html } from 'hono/html';
import type { TenantConfig } from '../tenants/schema.ts';
import type { Rule } from '../rules/schema.ts';
import { resourceByPath, resources } from '../records/resources.ts';
import { cnDate } from '../lib/time.ts';
import { page, statusBadge } from './layout.ts';
import { noticeOf, type Kit, type Result, type Row } from './kit.ts';

/** The form that records what a rule counts, prefilled with what the rule matches on. */
function recordLink(tenant: TenantConfig, rule: Rule | undefined, r: Result): string | undefined {
  if (!rule) return undefined;
  const part = rule.parts[0] as Row;
  const kind = typeof part.kind === 'string' ? part.kind : part.metric === 'milestone' ? 'submission' : undefined;
  const def = (kind && resources.find((d) => d.kind === kind)) || (rule.recordAt ? resourceByPath.get(rule.recordAt) : undefined);
  if (!def) return undefined;
  const prefill = new URLSearchParams();
  for (const [field, value] of Object.entries((part.where as Row | undefined) ?? {})) {
    if (def.fields[field] && ['string', 'number', 'boolean'].includes(typeof value)) prefill.set(field, String(value));
  }
  if (part.metric === 'milestone') {
    prefill.set('type', 'milestone_report');
    prefill.set('milestone', String(part.milestone));
  }
  if (part.matchPeriodBy === 'periodKey') prefill.set('period', r.period.key);
  prefill.set('next', `/${tenant.id}/tasks`);
  return `/${tenant.id}/records/${def.path}/new?${prefill}`;
}

/**
 * One result as a card: status in words and colour, target, what is recorded and what is missing.
 * `recordFor` (the viewer's person id) adds 去登记 to her own unfinished items.
 */
export function resultCards(tenant: TenantConfig, items: Result[], opts: { recordFor?: string; showSubject: (r: Result) => boolean }) {
  const rulesById = new Map(tenant.rules.map((r) => [r.id, r]));
  const card = (r: Result) => {
    const link = opts.recordFor && r.subject.personId === opts.recordFor ? recordLink(tenant, rulesById.get(r.ruleId), r) : undefined;
    return html`<li class="task status-border-${r.status}" data-rule="${r.ruleId}" data-period="${r.period.key}" data-status="${r.status}">
      <div class="task-head"><span class="rule-id">${r.ruleId}</span> ${statusBadge(r.status)}</div>
      <h2>${r.title}</h2>
      <dl>
        ${opts.showSubject(r) ? html`<dt>对象</dt><dd>${r.subject.name}</dd>` : ''}
        <dt>期间</dt><dd>${r.period.label}</dd>
        <dt>期限</dt><dd>${cnDate(r.due)}</dd>
        <dt>目标</dt><dd>${r.targetText}</dd>
        <dt>已完成</dt><dd class="actual">${r.actualText}</dd>
        ${r.missing.length ? html`<dt>尚缺</dt><dd class="missing">${r.missing.join('；')}</dd>` : ''}
        <dt>依据</dt><dd>${r.source.document} ${r.source.clause}</dd>
      </dl>
      ${link && r.status !== 'met' && r.status !== 'not_applicable' ? html`<a class="button primary" href="${link}">去登记</a>` : ''}
    </li>`;
  };
  return html`<ul class="tasks">${items.map(card)}</ul>`;
}

export const taskPages = (kit: Kit) =>
  new Hono().get(
    '/:tenant/tasks',
    kit.signedInPage(async (c, s) => {
      const tenant = s.tenant;
      const rule = c.req.query('rule');
      const period = c.req.query('period');
      const subject = c.req.query('subject');
      // One item (an email's link): the API decides whether the caller may see it.
      const res = rule
        ? await s.api<{ items: Result[] }>('GET', `/compliance?${new URLSearchParams({ rule, limit: '1000' })}`)
        : await s.api<{ items: Result[] }>('GET', `/compliance/people/${s.me.id}`);
      if (!res.ok) return kit.refusedPage(c, s, res);
      const items = res.data.items.filter((r) => (!period || r.period.key === period) && (!subject || r.subject.id === subject) && (rule || r.subject.personId === s.me.id));
      const body = items.length
        ? html`${rule ? html`<p><a href="/${tenant.id}/tasks">查看我的全部任务</a></p>` : ''}${resultCards(tenant, items, { recordFor: s.me.id, showSubject: (r) => r.subject.personId !== s.me.id })}`
        : html`<p class="muted">${rule ? '没有找到这一事项，或您无权查看。' : '目前没有需要您完成的考核事项。'}</p>`;
      return c.html(page({ tenant, title: rule ? '事项详情' : '我的任务', viewer: s.viewer, notice: noticeOf(c), body }));
    }),
  );
