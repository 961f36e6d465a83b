/**
 * 督办看板 for supervisors and admins: the heat map of units × rules (drill
 * down to a unit, a cell's list, a person), the month's deadlines as a
 * calendar, and the overdue list; each exports what it shows as CSV. Every
 * figure comes from the API's compliance reads, within the viewer's scope.
 */
import { Hono } from '../lib/hono.ts';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { cnDate, localDate } from '../lib/time.ts';
import { statuses, type Status } from '../rules/status.ts';
import { cellText, severity, type Heatmap } from '../rules/heatmap.ts';
import { page, statusBadge, type Html } from './layout.ts';
import { type Kit, type Result, type Signed } from './kit.ts';
import { resultCards } from './tasks.ts';

/** Most rows a board list shows; the CSV has them all. */
const LIST_LIMIT = 1000;
type HeatmapView = Heatmap & { today: string; orgUnit: { id: string; name: string; path: { id: string; name: string }[] } };

const boardNav = (tenantId: string, here: 'heatmap' | 'calendar' | 'overdue' | 'other') => {
  const link = (key: typeof here, href: string, label: string) => html`<a href="/${tenantId}/board${href}"${key === here ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="subnav" aria-label="督办看板">${link('heatmap', '', '热力图')}${link('calendar', '/calendar', '本月期限')}${link('overdue', '/overdue', '逾期清单')}</nav>`;
};

/** 导出 CSV: the same address with format=csv. */
const csvLink = (c: Context) => {
  const url = new URL(c.req.url);
  url.searchParams.set('format', 'csv');
  return html`<p><a class="button small" href="${url.pathname}${url.search}" download>导出 CSV（当前内容）</a></p>`;
};

const legend = html`<ul class="legend" aria-label="图例">${severity.map((s) => html`<li class="heat heat-${s}">${statuses[s]}</li>`)}</ul>`;

/** Results as a table: whom, which rule and period, the due date, the status and what is missing. */
function resultTable(tenantId: string, items: Result[], caption: string): Html {
  if (!items.length) return html`<p class="muted">没有符合条件的事项。</p>`;
  return html`<div class="scroll" role="region" aria-label="${caption}" tabindex="0"><table class="records results"><caption>${caption}（${items.length}项${items.length >= LIST_LIMIT ? '，只显示前 1000 项，完整内容请导出 CSV' : ''}）</caption>
    <thead><tr><th scope="col">对象</th><th scope="col">事项</th><th scope="col">期间</th><th scope="col">期限</th><th scope="col">状态</th><th scope="col">完成／目标</th><th scope="col">尚缺</th></tr></thead>
    <tbody>${items.map(
      (r) => html`<tr data-rule="${r.ruleId}" data-subject="${r.subject.id}" data-status="${r.status}">
        <td>${r.subject.personId ? html`<a href="/${tenantId}/board/people/${r.subject.personId}">${r.subject.name}</a>` : r.subject.name}</td>
        <td><span class="rule-id">${r.ruleId}</span> ${r.title}</td><td>${r.period.label}</td><td>${cnDate(r.due)}</td>
        <td>${statusBadge(r.status)}</td><td>${r.actualText}／${r.targetText}</td><td>${r.missing.join('；')}</td></tr>`,
    )}</tbody></table></div>`;
}

function heatTable(tenantId: string, map: HeatmapView): Html {
  if (!map.columns.length) return html`<p class="muted">这一范围内目前没有考核事项。</p>`;
  const at = new Map(map.cells.map((cell) => [`${cell.orgUnitId}\u0000${cell.ruleId}`, cell]));
  const listHref = (unit: string, self: boolean, rule?: string) => `/${tenantId}/board/list?${new URLSearchParams({ unit, ...(rule ? { rule } : {}), ...(self ? { direct: 'true' } : {}) })}`;
  return html`<div class="scroll" role="region" aria-label="热力图" tabindex="0"><table class="heatmap"><caption>${map.orgUnit.name}：下级组织 × 考核规则（各规则当前期间，格内为达标数／应考核数）</caption>
    <thead><tr><th scope="col">组织</th>${map.columns.map((col) => html`<th scope="col"><abbr title="${col.title}（${col.periods.join('、')}）">${col.ruleId}</abbr></th>`)}</tr></thead>
    <tbody>${map.rows.map(
      (row) => html`<tr data-unit="${row.orgUnitId}"><th scope="row">${row.self
        ? html`<a href="${listHref(row.orgUnitId, true)}">${row.name}（本级）</a>`
        : row.hasChildren
          ? html`<a href="/${tenantId}/board?unit=${row.orgUnitId}">${row.name}</a>`
          : html`<a href="${listHref(row.orgUnitId, false)}">${row.name}</a>`}</th>
        ${map.columns.map((col) => {
          const cell = at.get(`${row.orgUnitId}\u0000${col.ruleId}`);
          if (!cell) return html`<td class="heat heat-none"><span class="sr-only">无</span></td>`;
          return html`<td class="heat heat-${cell.status}" data-rule="${col.ruleId}" data-status="${cell.status}"><a href="${listHref(row.orgUnitId, row.self, col.ruleId)}">${cell.status === 'not_applicable' ? '—' : `${cell.met}/${cell.total}`}<span class="sr-only">：${row.name}${row.self ? '（本级）' : ''} ${col.ruleId} ${cellText(cell)}</span></a></td>`;
        })}</tr>`,
    )}</tbody></table></div>`;
}

/** Mon-first weeks covering a month: each day as YYYY-MM-DD, or null outside the month. */
function monthWeeks(month: string): (string | null)[][] {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const cells: (string | null)[] = [...Array(lead).fill(null), ...Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)];
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}
const shiftMonth = (month: string, by: number) => {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
/** Items by a key, in first-seen order (Map.groupBy needs Node 21; npm start runs on Node 20). */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
const worst = (items: Result[]): Status => items.reduce<Status>((w, r) => (severity.indexOf(r.status) < severity.indexOf(w) ? r.status : w), 'not_applicable');

export const boardPages = (kit: Kit) => {
  const app = new Hono();
  const board = kit.forAccess(['admin', 'supervisor'], '督办看板');
  const boardPage = (title: string, here: Parameters<typeof boardNav>[1], c: Context, s: Signed, body: Html) =>
    c.html(page({ tenant: s.tenant, title, viewer: s.viewer, body: html`${boardNav(s.tenant.id, here)}${body}` }));
  /** The API's CSV of the same query, passed on, when the page was asked for format=csv. */
  const csvOr = async (c: Context, s: Signed, apiPath: string, render: () => Promise<Response>) => {
    if (c.req.query('format') !== 'csv') return render();
    const res = await s.api.raw(apiPath);
    if (!res.ok) return kit.refusedPage(c, s, res, '无法导出，请检查筛选条件。');
    return res;
  };

  app.get('/:tenant/board', kit.signedInPage(board(async (c, s) => {
    const unit = c.req.query('unit');
    const query = unit ? `?${new URLSearchParams({ orgUnit: unit })}` : '';
    return csvOr(c, s, `/compliance/heatmap${query}${query ? '&' : '?'}format=csv`, async () => {
      const res = await s.api<HeatmapView>('GET', `/compliance/heatmap${query}`);
      if (!res.ok) return kit.refusedPage(c, s, res, res.status === 404 ? '未找到这个组织，或它不在您的督办范围内。' : undefined);
      const map = res.data;
      const crumbs = html`<nav class="crumbs" aria-label="组织层级"><ol>${map.orgUnit.path.map((u, i) => (i === map.orgUnit.path.length - 1 ? html`<li aria-current="page">${u.name}</li>` : html`<li><a href="/${s.tenant.id}/board?unit=${u.id}">${u.name}</a></li>`))}</ol></nav>`;
      return boardPage('督办看板', 'heatmap', c, s, html`${crumbs}<p class="muted">截至 ${cnDate(map.today)}。点组织名看其下级，点格子看名单。</p>${legend}${heatTable(s.tenant.id, map)}${csvLink(c)}`);
    });
  })));

  app.get('/:tenant/board/list', kit.signedInPage(board(async (c, s) => {
    const q = c.req.query();
    const params = new URLSearchParams({ period: q.period ?? 'current', limit: String(LIST_LIMIT) });
    if (q.unit) params.set('orgUnit', q.unit);
    if (q.rule) params.set('rule', q.rule);
    if (q.direct === 'true') params.set('direct', 'true');
    if (q.status) params.set('status', q.status);
    return csvOr(c, s, `/compliance?${params}&format=csv`, async () => {
      const res = await s.api<{ items: Result[] }>('GET', `/compliance?${params}`);
      if (!res.ok) return kit.refusedPage(c, s, res);
      const rule = q.rule ? s.tenant.rules.find((r) => r.id === q.rule) : undefined;
      const title = `${rule ? `${rule.id} ${rule.title}` : '全部事项'}`;
      return boardPage('督办名单', 'other', c, s, html`<p><a href="/${s.tenant.id}/board${q.unit ? `?unit=${encodeURIComponent(q.unit)}` : ''}">返回热力图</a></p>${resultTable(s.tenant.id, res.data.items, title)}${csvLink(c)}`);
    });
  })));

  app.get('/:tenant/board/overdue', kit.signedInPage(board(async (c, s) => {
    const params = new URLSearchParams({ status: 'missed', limit: String(LIST_LIMIT) });
    return csvOr(c, s, `/compliance?${params}&format=csv`, async () => {
      const res = await s.api<{ items: Result[] }>('GET', `/compliance?${params}`);
      if (!res.ok) return kit.refusedPage(c, s, res);
      return boardPage('逾期清单', 'overdue', c, s, html`<p class="muted">期限已过、仍未完成的事项（近一年内的期间），按期限排序。</p>${resultTable(s.tenant.id, res.data.items, '逾期未完成')}${csvLink(c)}`);
    });
  })));

  app.get('/:tenant/board/calendar', kit.signedInPage(board(async (c, s) => {
    const asked = c.req.query('month');
    if (asked !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(asked)) return kit.errorPage(c, s.tenant, 400, '月份格式应为 2012-06。', s.viewer);
    const today = localDate(kit.deps.clock.now(), s.tenant.timeZone);
    const month = asked ?? today.slice(0, 7);
    const weeks = monthWeeks(month);
    const last = weeks.flat().filter(Boolean).pop()!;
    const params = new URLSearchParams({ from: `${month}-01`, to: last, limit: String(LIST_LIMIT) });
    return csvOr(c, s, `/deadlines?${params}&format=csv`, async () => {
      const res = await s.api<{ items: Result[]; nextCursor: string | null }>('GET', `/deadlines?${params}`);
      if (!res.ok) return kit.refusedPage(c, s, res);
      const byDay = groupBy(res.data.items, (r) => r.due);
      const [y, m] = month.split('-').map(Number);
      const grid = html`<table class="calendar"><caption>${y}年${m}月</caption><thead><tr>${['一', '二', '三', '四', '五', '六', '日'].map((d) => html`<th scope="col">周${d}</th>`)}</tr></thead>
        <tbody>${weeks.map((w) => html`<tr>${w.map((day) => {
          if (!day) return html`<td class="empty"></td>`;
          const items = byDay.get(day) ?? [];
          const label = `${Number(day.slice(8))}日`;
          return html`<td class="${day === today ? 'today' : ''}">${items.length ? html`<a href="#d-${day}" class="heat heat-${worst(items)}">${label}<span class="count">${items.length}项</span></a>` : html`<span class="day">${label}</span>`}</td>`;
        })}</tr>`)}</tbody></table>`;
      const agenda = [...byDay.entries()].map(([day, items]) => {
        const rules = groupBy(items, (r) => `${r.ruleId}\u0000${r.period.key}`);
        return html`<section id="d-${day}" class="day-agenda"><h2>${cnDate(day)}</h2><ul>${[...rules.values()].map((rs) => {
          const counts = severity.filter((st) => rs.some((r) => r.status === st)).map((st) => `${statuses[st]} ${rs.filter((r) => r.status === st).length}`).join('，');
          const href = `/${s.tenant.id}/board/list?${new URLSearchParams({ rule: rs[0].ruleId, period: rs[0].period.key })}`;
          return html`<li class="status-border-${worst(rs)}"><a href="${href}"><span class="rule-id">${rs[0].ruleId}</span> ${rs[0].title}</a>（${rs[0].period.label}）：${rs.length}项，${counts}</li>`;
        })}</ul></section>`;
      });
      const nav = html`<p class="month-nav"><a href="?month=${shiftMonth(month, -1)}">上个月</a> <a href="?month=${shiftMonth(month, 1)}">下个月</a></p>`;
      return boardPage('本月期限', 'calendar', c, s, html`${nav}${grid}${res.data.nextCursor ? html`<p class="muted">本月事项超过 ${LIST_LIMIT} 项，完整内容请导出 CSV。</p>` : ''}${agenda.length ? agenda : html`<p class="muted">本月没有到期的事项。</p>`}${csvLink(c)}`);
    });
  })));

  app.get('/:tenant/board/people/:id', kit.signedInPage(board(async (c, s) => {
    const id = c.req.param('id') ?? '';
    return csvOr(c, s, `/compliance?${new URLSearchParams({ person: id, limit: String(LIST_LIMIT) })}&format=csv`, async () => {
      const person = await s.api<{ name: string }>('GET', `/people/${encodeURIComponent(id)}`);
      if (!person.ok) return kit.errorPage(c, s.tenant, 404, '未找到这名人员，或她不在您的督办范围内。', s.viewer);
      const res = await s.api<{ items: Result[] }>('GET', `/compliance/people/${encodeURIComponent(id)}`);
      if (!res.ok) return kit.refusedPage(c, s, res);
      const body = res.data.items.length ? resultCards(s.tenant, res.data.items, { showSubject: () => false }) : html`<p class="muted">她目前没有考核事项。</p>`;
      return boardPage(`${person.data.name}的考核事项`, 'other', c, s, html`${body}${csvLink(c)}`);
    });
  })));

  return app;
};
