/**
 * The workbench's page shell and small pieces, server-rendered with hono/html
 * (values are escaped unless wrapped in raw). Mobile first: one column at
 * 360 px, large touch targets; the stylesheet is a static file.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { TenantConfig } from '../tenants/schema.ts';
import { statuses, type Status } from '../rules/status.ts';
import type { AccessRole } from '../domain/glossary.ts';
import { CSRF_FIELD } from './session.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface Viewer {
  name: string;
  access: AccessRole;
  csrf: string;
}

export interface PageInput {
  tenant: Pick<TenantConfig, 'id' | 'name'>;
  title: string;
  viewer?: Viewer;
  body: Html;
  /** A message shown above the content (saved, deleted…). */
  notice?: string;
}

export const csrfInput = (viewer: Viewer) => html`<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrf}">`;

export function page(p: PageInput): Html {
  const base = `/${p.tenant.id}`;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ${p.tenant.name} · 下基层工作台</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="top">
  <a class="brand" href="${base}/tasks">${p.tenant.name} · 下基层工作台</a>
  ${p.viewer
    ? html`<nav aria-label="主导航">
        <a href="${base}/tasks">我的任务</a>
        <a href="${base}/records">我的记录</a>
        ${p.viewer.access !== 'member' ? html`<a href="${base}/board">督办看板</a>` : ''}
        ${p.viewer.access === 'admin' ? html`<a href="${base}/admin">管理</a>` : ''}
        <a href="${base}/password">修改密码</a>
        <form method="post" action="${base}/logout" class="inline">${csrfInput(p.viewer)}<button type="submit" class="link">退出（${p.viewer.name}）</button></form>
      </nav>`
    : ''}
</header>
<main id="main">
  <h1>${p.title}</h1>
  ${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
  ${p.body}
</main>
</body>
</html>`;
}

export const statusBadge = (status: Status) => html`<span class="status status-${status}">${statuses[status]}</span>`;
