/**
 * The emails, pure: plain text and HTML in Chinese, from compliance results.
 * Each notice names the rule, its document and clause, the target, the actual
 * figure, what is missing, the due date in Beijing time and a link to the
 * item's page in the workbench, where it can be recorded.
 */
import type { ComplianceResult } from '../rules/engine.ts';
import type { Rule } from '../rules/schema.ts';
import { statuses } from '../rules/status.ts';
import { cnDate } from '../lib/time.ts';

export type NoticeKind = 'reminder' | 'overdue' | 'escalation';

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** "2012年4月20日（北京时间当日24时前）" */
export const dueText = (due: string) => `${cnDate(due)}（北京时间当日24时前）`;

const FOOTER = '此邮件由“下基层工作台账”系统根据本单位考核规则自动发送，请勿直接回复。';

export interface NoticeInput {
  kind: NoticeKind;
  tenantName: string;
  tenantId: string;
  rule: Pick<Rule, 'title' | 'source'>;
  result: ComplianceResult;
  recipientName: string | null;
  baseUrl: string;
  /** Reminders: days left until the due date. */
  daysLeft?: number;
}

/** The workbench page of one rule × subject × period (through login if needed), where it can be recorded. */
export function itemLink(baseUrl: string, tenantId: string, r: Pick<ComplianceResult, 'ruleId' | 'period' | 'subject'>): string {
  const query = new URLSearchParams({ rule: r.ruleId, period: r.period.key, subject: r.subject.id });
  return `${baseUrl.replace(/\/$/, '')}/${tenantId}/tasks?${query}`;
}

export function renderNotice(n: NoticeInput): Rendered {
  const r = n.result;
  const who = r.subject.name;
  const head = {
    reminder: `【提醒】${who}：“${n.rule.title}”将于${cnDate(r.due)}到期（还剩${n.daysLeft}天）`,
    overdue: `【逾期】${who}：“${n.rule.title}”已于${cnDate(r.due)}到期，尚未完成`,
    escalation: `【督办】${who}：“${n.rule.title}”逾期未完成`,
  }[n.kind];
  const opening = {
    reminder: `“${n.rule.title}”的期限快到了，目前尚未达标。`,
    overdue: `“${n.rule.title}”已过期限，目前仍未达标，请尽快补齐并登记。`,
    escalation: `下列单位（人员）的“${n.rule.title}”已逾期未完成，请督促落实。`,
  }[n.kind];
  const where = itemLink(n.baseUrl, n.tenantId, r);
  const rows: [string, string][] = [
    ['考核对象', who],
    ['依据', `${n.rule.source.document} ${n.rule.source.clause}`],
    ['考核期间', r.period.label],
    ['目标', r.targetText],
    ['当前完成', r.actualText],
    ['尚缺', r.missing.length ? r.missing.join('；') : '—'],
    ['期限', dueText(r.due)],
    ['状态', statuses[r.status]],
    ['查看与登记', where],
  ];
  const greeting = `${n.recipientName ?? n.tenantName}：`;
  const text = [greeting, '', `您好！${opening}`, '', ...rows.map(([k, v]) => `${k}：${v}`), '', `${n.tenantName}`, FOOTER].join('\n');
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif">
<p>${esc(greeting)}</p><p>您好！${esc(opening)}</p>
<table cellpadding="6" style="border-collapse:collapse">${rows.map(([k, v]) => `<tr><th align="left" style="border:1px solid #ddd;background:#fafafa">${esc(k)}</th><td style="border:1px solid #ddd">${esc(v)}</td></tr>`).join('')}</table>
<p>${esc(n.tenantName)}</p><p style="color:#888;font-size:12px">${esc(FOOTER)}</p></body></html>`;
  return { subject: head, text, html };
}

export interface DigestInput {
  tenantName: string;
  unitName: string;
  recipientName: string | null;
  today: string;
  items: ComplianceResult[];
  onTrack: number;
}

export function renderDigest(d: DigestInput): Rendered {
  const missed = d.items.filter((r) => r.status === 'missed');
  const atRisk = d.items.filter((r) => r.status === 'at_risk');
  const line = (r: ComplianceResult) => `${r.subject.name}｜${r.title}｜${r.period.label}｜期限 ${r.due}｜${r.actualText} / ${r.targetText}${r.missing.length ? `｜尚缺：${r.missing.join('；')}` : ''}`;
  const subject = `【每日汇总】${d.unitName}及下级：${atRisk.length}项临近期限，${missed.length}项逾期（${cnDate(d.today)}）`;
  const section = (title: string, list: ComplianceResult[]) => (list.length ? [`${title}（${list.length}项）：`, ...list.map((r) => `  · ${line(r)}`), ''] : []);
  const text = [
    `${d.recipientName ?? d.unitName}：`,
    '',
    `您好！截至${cnDate(d.today)}，${d.unitName}及下级单位尚未达标的事项如下（期限均为北京时间当日24时前）。`,
    '',
    ...section('逾期未完成', missed),
    ...section('临近期限', atRisk),
    `另有 ${d.onTrack} 项正在进行、尚未临近期限。`,
    '',
    d.tenantName,
    FOOTER,
  ].join('\n');
  const table = (title: string, list: ComplianceResult[]) =>
    list.length
      ? `<h3>${esc(title)}（${list.length}项）</h3><table cellpadding="5" style="border-collapse:collapse"><tr>${['对象', '事项', '期间', '期限', '完成/目标', '尚缺'].map((h) => `<th style="border:1px solid #ddd;background:#fafafa">${h}</th>`).join('')}</tr>${list
          .map((r) => `<tr>${[r.subject.name, `${r.title}（${r.source.document} ${r.source.clause}）`, r.period.label, r.due, `${r.actualText} / ${r.targetText}`, r.missing.join('；')].map((c) => `<td style="border:1px solid #ddd">${esc(c)}</td>`).join('')}</tr>`)
          .join('')}</table>`
      : '';
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif">
<p>${esc(d.recipientName ?? d.unitName)}：</p><p>您好！截至${esc(cnDate(d.today))}，${esc(d.unitName)}及下级单位尚未达标的事项如下（期限均为北京时间当日24时前）。</p>
${table('逾期未完成', missed)}${table('临近期限', atRisk)}<p>另有 ${d.onTrack} 项正在进行、尚未临近期限。</p>
<p>${esc(d.tenantName)}</p><p style="color:#888;font-size:12px">${esc(FOOTER)}</p></body></html>`;
  return { subject, text, html };
}

export interface UnroutedItem {
  kind: NoticeKind;
  result: ComplianceResult;
}

const kindLabel: Record<NoticeKind, string> = { reminder: '到期提醒', overdue: '逾期通知', escalation: '督办' };

/** To the admins: today's notices that nobody with an email answers for, so that they are not lost. */
export function renderUnroutedDigest(d: { tenantName: string; recipientName: string | null; today: string; items: UnroutedItem[] }): Rendered {
  const subject = `【待分派】${d.items.length}项提醒或督办没有接收人（${cnDate(d.today)}）`;
  const row = ({ kind, result: r }: UnroutedItem) => [kindLabel[kind], r.subject.name, `${r.title}（${r.source.document} ${r.source.clause}）`, r.period.label, r.due, statuses[r.status], r.missing.join('；')];
  const text = [
    `${d.recipientName ?? d.tenantName}：`,
    '',
    `您好！以下事项今天应发出提醒或督办，但相关单位没有设置可接收邮件的督导或领导，请转告或在系统中为其设置邮箱（期限均为北京时间当日24时前）：`,
    '',
    ...d.items.map((i) => `  · ${row(i).filter(Boolean).join('｜')}`),
    '',
    d.tenantName,
    FOOTER,
  ].join('\n');
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif">
<p>${esc(d.recipientName ?? d.tenantName)}：</p><p>您好！以下事项今天应发出提醒或督办，但相关单位没有设置可接收邮件的督导或领导，请转告或在系统中为其设置邮箱（期限均为北京时间当日24时前）：</p>
<table cellpadding="5" style="border-collapse:collapse"><tr>${['类别', '对象', '事项', '期间', '期限', '状态', '尚缺'].map((h) => `<th style="border:1px solid #ddd;background:#fafafa">${h}</th>`).join('')}</tr>${d.items
    .map((i) => `<tr>${row(i).map((c) => `<td style="border:1px solid #ddd">${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</table>
<p>${esc(d.tenantName)}</p><p style="color:#888;font-size:12px">${esc(FOOTER)}</p></body></html>`;
  return { subject, text, html };
}
