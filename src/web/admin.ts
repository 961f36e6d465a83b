/**
 * 管理 for admins: people (add, edit, reset a password, remove), org units
 * (the tree, add, edit), CSV import with each refused row's line and reason,
 * the outbox (what was sent to whom; send a failed one again) and the audit
 * log. Every change goes through the API's admin endpoints.
 */
import { Hono } from '../lib/hono.ts';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { f, type FieldSpec } from '../records/fields.ts';
import { resources } from '../records/resources.ts';
import { accessRoles, dutyRoles, orgLevels, orgTypes } from '../domain/glossary.ts';
import { localDateTime } from '../lib/time.ts';
import type { FieldError } from '../lib/errors.ts';
import { page, csrfInput, type Html } from './layout.ts';
import { bodyFromForm, recordForm, type Choices, type FormDef } from './forms.ts';
import { formRefusal, noticeOf, one, type FormRefusal, type Kit, type Row, type Signed } from './kit.ts';
import type { ApiResult } from './api.ts';

interface Person { id: string; name: string; email: string | null; access: keyof typeof accessRoles; duty: keyof typeof dutyRoles | null; orgUnitId: string | null; phone: string | null; canLogin: boolean }
interface Unit { id: string; name: string; level: keyof typeof orgLevels; type: keyof typeof orgTypes; parentId: string | null; sortOrder: number; establishedOn: string | null; children?: Unit[] }
interface OutboxEntry { id: string; kind: string; ruleId: string | null; recipientEmail: string; subject: string; status: string; attempts: number; lastError: string | null; createdAt: string; sentAt: string | null }
interface AuditEntry { id: string; at: string; actorId: string | null; action: string; resource: string; recordId: string | null; changes: Record<string, unknown> | null }
const shown = (v: unknown) => (v === null || v === undefined ? '（空）' : typeof v === 'string' ? v : JSON.stringify(v));
/** A change as [before, after] reads `before → after`; anything else (an import's ids, a read's ids) as it is. */
const changeText = (v: unknown) => (Array.isArray(v) && v.length === 2 ? `${shown(v[0])} → ${shown(v[1])}` : shown(v));

/** A field the API cannot clear: left empty on an edit form, it is left as it is (not sent as null). */
const keep = (spec: FieldSpec): FieldSpec => ({ ...spec, nullable: false });
const personFields = (mode: 'create' | 'update'): FormDef => ({
  fields: {
    name: f.text('姓名', { required: true, max: 100 }),
    email: { ...f.text('邮箱（登录用）', { max: 254 }), input: 'email' },
    ...(mode === 'create' ? { password: { ...f.text('初始密码（至少 8 位，首次登录须修改）', { max: 256 }), input: 'password' } as FieldSpec } : {}),
    access: f.enum('权限', accessRoles, true),
    duty: f.enum('职务', dutyRoles),
    orgUnitId: f.ref('所属组织'),
    phone: { ...f.text('电话', { max: 20 }), input: 'tel' },
    ...(mode === 'create' ? { dutyFrom: f.date('任职开始日期（不填表示启用本系统前已任职）') } : { effectiveFrom: keep(f.date('组织或职务变动的生效日期（默认今天）')) }),
  },
});
const unitFields = (mode: 'create' | 'update'): FormDef => ({
  fields: {
    ...(mode === 'create' ? { id: f.text('组织ID（小写字母、数字和-，可不填）', { max: 40 }) } : {}),
    name: f.text('名称', { required: true, max: 100 }),
    level: f.enum('层级', orgLevels, true),
    type: f.enum('类型', orgTypes, true),
    parentId: keep(f.ref('上级组织', mode === 'create')),
    sortOrder: keep(f.int('排序（小的在前）')),
    establishedOn: f.date('成立日期（不填表示启用本系统前已成立）'),
    ...(mode === 'update' ? { effectiveFrom: keep(f.date('改隶属的生效日期（默认今天）')) } : {}),
  },
});
const outboxStatuses: Record<string, string> = { pending: '待发送', sending: '发送中', sent: '已发送', failed: '发送失败' };
const outboxKinds: Record<string, string> = { reminder: '提醒', overdue: '逾期通知', escalation: '督办', digest: '每日汇总' };
const auditActions: Record<string, string> = { create: '新增', update: '修改', delete: '删除', read: '查看', import: '导入' };

/** Refused import rows: `rows.3.startDate` → line 3, the field's Chinese label. */
function importErrors(resource: string, errors: FieldError[]): Html {
  const def = resources.find((r) => r.path === resource);
  const rows = errors.map((e) => {
    const m = /^rows\.(\d+)(?:\.(.+))?$/.exec(e.path);
    const field = m?.[2]?.split('.')[0];
    return { line: m ? m[1] : '', field: field ? (def?.fields[field]?.label ?? field) : '', message: e.message };
  });
  return html`<table class="records import-errors"><caption>未导入任何记录；请改正以下各行后重新上传</caption>
    <thead><tr><th scope="col">行号</th><th scope="col">列</th><th scope="col">原因</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${r.line}</td><td>${r.field}</td><td>${r.message}</td></tr>`)}</tbody></table>`;
}

export const adminPages = (kit: Kit) => {
  const app = new Hono();
  const { sameOrigin, signedInPage, signedInPost, errorPage, refusedPage } = kit;
  const admin = kit.forAccess(['admin'], '管理');
  const adminPage = (c: Context, s: Signed, title: string, body: Html, status: 200 | 400 | 403 = 200) =>
    c.html(page({ tenant: s.tenant, title, viewer: s.viewer, notice: noticeOf(c), body: html`<p><a href="/${s.tenant.id}/admin">返回管理</a></p>${body}` }), status);
  const units = async (s: Signed) => (await s.api<{ items: Unit[] }>('GET', '/org-units?flat=true')).data?.items ?? [];
  const unitChoices = async (s: Signed): Promise<Choices> => ({ orgUnit: (await units(s)).map((u) => ({ id: u.id, label: u.name })) });
  const base = (s: Signed) => `/${s.tenant.id}/admin`;

  app.get('/:tenant/admin', signedInPage(admin((c, s) =>
    c.html(page({
      tenant: s.tenant,
      title: '管理',
      viewer: s.viewer,
      body: html`<ul class="kinds">
        <li><a href="${base(s)}/people">人员</a><span class="muted">新增、修改、重置密码</span></li>
        <li><a href="${base(s)}/org-units">组织</a><span class="muted">组织树、新增、修改</span></li>
        <li><a href="${base(s)}/import">批量导入</a><span class="muted">上传 CSV，逐行报错</span></li>
        <li><a href="${base(s)}/outbox">发件箱</a><span class="muted">提醒邮件，失败重发</span></li>
        <li><a href="${base(s)}/audit">审计日志</a><span class="muted">谁在何时改了什么</span></li>
      </ul>`,
    })),
  )));

  // ---------------------------------------------------------------- people
  app.get('/:tenant/admin/people', signedInPage(admin(async (c, s) => {
    const q = c.req.query('q') ?? '';
    const cursor = c.req.query('cursor');
    const res = await s.api<{ items: Person[]; nextCursor: string | null }>('GET', `/people?${new URLSearchParams({ limit: '100', ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) })}`);
    if (!res.ok) return refusedPage(c, s, res);
    const names = new Map((await units(s)).map((u) => [u.id, u.name]));
    return adminPage(c, s, '人员', html`<p><a class="button primary" href="${base(s)}/people/new">新增人员</a></p>
      <form method="get" class="search"><label for="q">按姓名查找</label> <input id="q" name="q" type="text" value="${q}"> <button type="submit">查找</button></form>
      <table class="records"><caption>人员（本页 ${res.data.items.length} 人）</caption><thead><tr><th scope="col">姓名</th><th scope="col">邮箱</th><th scope="col">权限</th><th scope="col">职务</th><th scope="col">所属组织</th></tr></thead>
      <tbody>${res.data.items.map((p) => html`<tr data-person="${p.id}"><td><a href="${base(s)}/people/${p.id}">${p.name}</a></td><td>${p.email ?? ''}</td><td>${accessRoles[p.access]}</td><td>${p.duty ? dutyRoles[p.duty] : ''}</td><td>${p.orgUnitId ? (names.get(p.orgUnitId) ?? p.orgUnitId) : ''}</td></tr>`)}</tbody></table>
      ${res.data.nextCursor ? html`<p><a href="?${new URLSearchParams({ ...(q ? { q } : {}), cursor: res.data.nextCursor })}">下一页</a></p>` : ''}`);
  })));

  const personForm = async (c: Context, s: Signed, opts: { id?: string; values: Row; errors?: FieldError[]; message?: string }, status: 200 | 400 | 403 = 200) =>
    adminPage(c, s, opts.id ? `修改人员：${String(opts.values.name ?? '')}` : '新增人员', html`${opts.message ? html`<p class="error" role="alert">${opts.message}</p>` : ''}
      ${recordForm({ def: personFields(opts.id ? 'update' : 'create'), action: `${base(s)}/people${opts.id ? `/${opts.id}` : ''}`, values: opts.values, errors: opts.errors ?? [], choices: await unitChoices(s), viewer: s.viewer, submitLabel: '保存' })}
      ${opts.id
        ? html`<h2>重置密码</h2><form method="post" action="${base(s)}/people/${opts.id}/password" class="record" novalidate>${csrfInput(s.viewer)}
            <div class="field"><label for="reset-password">新的临时密码（至少 8 位，对方登录后须修改）</label><input id="reset-password" name="password" type="password" autocomplete="new-password"></div>
            <button type="submit">重置密码</button></form>
          <h2>删除</h2><form method="post" action="${base(s)}/people/${opts.id}/delete" class="inline">${csrfInput(s.viewer)}<button type="submit" class="danger-button">删除此人</button></form>`
        : ''}`, status);

  /** A form sent to the API: on to `done` when saved; refused, the form again with the API's messages; 404 as a page. */
  const afterSave = (c: Context, s: Signed, res: ApiResult<unknown>, again: (r: FormRefusal) => Promise<Response>, done: string, missing: string) =>
    res.status === 404 ? errorPage(c, s.tenant, 404, missing, s.viewer) : !res.ok ? again(formRefusal(res)) : c.redirect(done, 303);

  app.get('/:tenant/admin/people/new', signedInPage(admin((c, s) => personForm(c, s, { values: { access: 'member' } }))));
  app.post('/:tenant/admin/people', sameOrigin, signedInPost(admin(async (c, s, form) => {
    const body: Row = { ...bodyFromForm(personFields('create'), form, 'create'), mustChangePassword: true };
    const password = one(form.password);
    if (password) body.password = password; // as typed: a password is not trimmed
    const res = await s.api('POST', '/people', body);
    return afterSave(c, s, res, (r) => personForm(c, s, { values: { ...body, password: undefined }, errors: r.errors, message: r.message }, r.status), `${base(s)}/people?notice=saved`, '未找到这名人员。');
  })));
  app.get('/:tenant/admin/people/:id', signedInPage(admin(async (c, s) => {
    const res = await s.api<Person>('GET', `/people/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return errorPage(c, s.tenant, 404, '未找到这名人员。', s.viewer);
    return personForm(c, s, { id: res.data.id, values: res.data as unknown as Row });
  })));
  app.post('/:tenant/admin/people/:id', sameOrigin, signedInPost(admin(async (c, s, form) => {
    const id = c.req.param('id') ?? '';
    const body = bodyFromForm(personFields('update'), form, 'update');
    const res = await s.api('PATCH', `/people/${encodeURIComponent(id)}`, body);
    return afterSave(c, s, res, (r) => personForm(c, s, { id, values: body, errors: r.errors, message: r.message }, r.status), `${base(s)}/people?notice=saved`, '未找到这名人员。');
  })));
  app.post('/:tenant/admin/people/:id/password', sameOrigin, signedInPost(admin(async (c, s, form) => {
    const id = c.req.param('id') ?? '';
    const res = await s.api('PATCH', `/people/${encodeURIComponent(id)}`, { password: one(form.password) ?? '' });
    if (!res.ok) return refusedPage(c, s, res, res.error!.fields.map((e) => e.message).join('；') || undefined);
    return c.redirect(`${base(s)}/people/${encodeURIComponent(id)}?notice=passwordReset`, 303);
  })));
  app.post('/:tenant/admin/people/:id/delete', sameOrigin, signedInPost(admin(async (c, s) => {
    const res = await s.api('DELETE', `/people/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return refusedPage(c, s, res);
    return c.redirect(`${base(s)}/people?notice=deleted`, 303);
  })));

  // ---------------------------------------------------------------- org units
  app.get('/:tenant/admin/org-units', signedInPage(admin(async (c, s) => {
    const res = await s.api<{ items: Unit[] }>('GET', '/org-units');
    if (!res.ok) return refusedPage(c, s, res);
    const tree = (list: Unit[]): Html => html`<ul class="tree">${list.map((u) => html`<li data-unit="${u.id}"><a href="${base(s)}/org-units/${u.id}">${u.name}</a> <span class="muted">${orgLevels[u.level]} · ${orgTypes[u.type]}</span>
      <a class="button small" href="${base(s)}/org-units/new?parentId=${u.id}">新增下级<span class="sr-only">（${u.name}）</span></a>${u.children?.length ? tree(u.children) : ''}</li>`)}</ul>`;
    return adminPage(c, s, '组织', tree(res.data.items));
  })));
  const unitForm = async (c: Context, s: Signed, opts: { id?: string; values: Row; errors?: FieldError[]; message?: string }, status: 200 | 400 | 403 = 200) =>
    adminPage(c, s, opts.id ? `修改组织：${String(opts.values.name ?? '')}` : '新增组织', html`${opts.message ? html`<p class="error" role="alert">${opts.message}</p>` : ''}
      ${recordForm({ def: unitFields(opts.id ? 'update' : 'create'), action: `${base(s)}/org-units${opts.id ? `/${opts.id}` : ''}`, values: opts.values, errors: opts.errors ?? [], choices: await unitChoices(s), refs: { parentId: 'orgUnit' }, viewer: s.viewer, submitLabel: '保存' })}`, status);
  app.get('/:tenant/admin/org-units/new', signedInPage(admin((c, s) => unitForm(c, s, { values: { parentId: c.req.query('parentId'), level: 'street', type: 'federation' } }))));
  app.post('/:tenant/admin/org-units', sameOrigin, signedInPost(admin(async (c, s, form) => {
    const body = bodyFromForm(unitFields('create'), form, 'create');
    const res = await s.api('POST', '/org-units', body);
    return afterSave(c, s, res, (r) => unitForm(c, s, { values: body, errors: r.errors, message: r.message }, r.status), `${base(s)}/org-units?notice=saved`, '未找到这个组织。');
  })));
  app.get('/:tenant/admin/org-units/:id', signedInPage(admin(async (c, s) => {
    const res = await s.api<Unit>('GET', `/org-units/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return errorPage(c, s.tenant, 404, '未找到这个组织。', s.viewer);
    return unitForm(c, s, { id: res.data.id, values: res.data as unknown as Row });
  })));
  app.post('/:tenant/admin/org-units/:id', sameOrigin, signedInPost(admin(async (c, s, form) => {
    const id = c.req.param('id') ?? '';
    const body = bodyFromForm(unitFields('update'), form, 'update');
    const res = await s.api('PATCH', `/org-units/${encodeURIComponent(id)}`, body);
    return afterSave(c, s, res, (r) => unitForm(c, s, { id, values: body, errors: r.errors, message: r.message }, r.status), `${base(s)}/org-units?notice=saved`, '未找到这个组织。');
  })));

  // ---------------------------------------------------------------- import
  const importPage = (c: Context, s: Signed, opts: { resource?: string; result?: Html }, status: 200 | 400 = 200) =>
    adminPage(c, s, '批量导入', html`<p class="muted">上传 UTF-8、逗号分隔的 CSV 文件（Excel 中“另存为”选“CSV UTF-8（逗号分隔）”）；第一行为表头，可用中文列名。任一行有误则全部不导入，并列出每个错误行。</p>
      ${opts.result ?? ''}
      <form method="post" action="${base(s)}/import" enctype="multipart/form-data" class="record">${csrfInput(s.viewer)}
        <div class="field"><label for="resource">记录类型</label><select id="resource" name="resource">${resources.map((r) => html`<option value="${r.path}"${r.path === opts.resource ? ' selected' : ''}>${r.label}</option>`)}</select></div>
        <div class="field"><label for="file">CSV 文件</label><input id="file" name="file" type="file" accept=".csv,text/csv"></div>
        <button type="submit" class="primary">导入</button>
      </form>`, status);
  app.get('/:tenant/admin/import', signedInPage(admin((c, s) => importPage(c, s, {}))));
  app.post('/:tenant/admin/import', sameOrigin, signedInPost(admin(async (c, s, form) => {
    const resource = one(form.resource) ?? '';
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) return importPage(c, s, { resource, result: html`<p class="error" role="alert">请选择要上传的 CSV 文件。</p>` }, 400);
    const res = await s.api<{ imported: number }>('POST', `/import?${new URLSearchParams({ resource })}`, await file.text(), 'text/csv');
    if (!res.ok) {
      const rows = res.error!.fields.filter((e) => e.path.startsWith('rows.'));
      return importPage(c, s, { resource, result: html`<p class="error" role="alert">${res.error!.message}</p>${rows.length ? importErrors(resource, rows) : ''}` }, 400);
    }
    return importPage(c, s, { resource, result: html`<p class="notice" role="status">已导入 ${res.data.imported} 条${resources.find((r) => r.path === resource)?.label ?? ''}记录。</p>` });
  })));

  // ---------------------------------------------------------------- outbox
  app.get('/:tenant/admin/outbox', signedInPage(admin(async (c, s) => {
    const status = c.req.query('status');
    const cursor = c.req.query('cursor');
    const res = await s.api<{ items: OutboxEntry[]; nextCursor: string | null; mail: { configured: boolean } }>('GET', `/outbox?${new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) })}`);
    if (!res.ok) return refusedPage(c, s, res);
    const tz = s.tenant.timeZone;
    return adminPage(c, s, '发件箱', html`${res.data.mail.configured ? '' : html`<p class="error" role="alert">未配置发送邮件的服务器（SMTP_HOST 等）：提醒邮件留在发件箱中等待，不会被标为失败，配置后自动发出。</p>`}<nav class="subnav" aria-label="按状态">${[['', '全部'], ...Object.entries(outboxStatuses)].map(([k, l]) => html`<a href="?${new URLSearchParams(k ? { status: k } : {})}"${(status ?? '') === k ? html` aria-current="page"` : ''}>${l}</a>`)}</nav>
      ${res.data.items.length
        ? html`<div class="scroll" role="region" aria-label="邮件列表" tabindex="0"><table class="records"><caption>邮件（本页 ${res.data.items.length} 封）</caption><thead><tr><th scope="col">入队时间</th><th scope="col">类型</th><th scope="col">收件人</th><th scope="col">主题</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead>
          <tbody>${res.data.items.map((m) => html`<tr data-outbox="${m.id}" data-status="${m.status}"><td>${localDateTime(new Date(m.createdAt), tz)}</td><td>${outboxKinds[m.kind] ?? m.kind}</td><td>${m.recipientEmail}</td><td>${m.subject}</td>
            <td>${outboxStatuses[m.status] ?? m.status}${m.sentAt ? html`<br><span class="muted">${localDateTime(new Date(m.sentAt), tz)}</span>` : ''}${m.status !== 'sent' && m.attempts ? html`<br><span class="muted">已尝试 ${m.attempts} 次${m.lastError ? `：${m.lastError}` : ''}</span>` : ''}</td>
            <td>${m.status === 'failed' ? html`<form method="post" action="${base(s)}/outbox/${m.id}/retry" class="inline">${csrfInput(s.viewer)}<button type="submit" class="link" aria-label="重新发送给 ${m.recipientEmail} 的邮件">重新发送</button></form>` : ''}</td></tr>`)}</tbody></table></div>`
        : html`<p class="muted">没有邮件。</p>`}
      ${res.data.nextCursor ? html`<p><a href="?${new URLSearchParams({ ...(status ? { status } : {}), cursor: res.data.nextCursor })}">下一页</a></p>` : ''}`);
  })));
  app.post('/:tenant/admin/outbox/:id/retry', sameOrigin, signedInPost(admin(async (c, s) => {
    const res = await s.api('POST', `/outbox/${encodeURIComponent(c.req.param('id') ?? '')}/retry`);
    if (!res.ok) return refusedPage(c, s, res, res.status === 404 ? '这封邮件不是发送失败的状态，无需重发。' : undefined);
    return c.redirect(`${base(s)}/outbox?notice=retried`, 303);
  })));

  // ---------------------------------------------------------------- audit log
  app.get('/:tenant/admin/audit', signedInPage(admin(async (c, s) => {
    const q = c.req.query();
    const filters = Object.fromEntries(['resource', 'action', 'from', 'to', 'cursor'].filter((k) => q[k]).map((k) => [k, q[k]]));
    const res = await s.api<{ items: AuditEntry[]; nextCursor: string | null }>('GET', `/audit?${new URLSearchParams({ limit: '100', ...filters })}`);
    const problem = res.ok ? undefined : res.error!.fields.map((e) => e.message).join('；') || res.error!.message;
    const people = await s.api<{ items: Person[] }>('GET', '/people?limit=200');
    const names = new Map((people.data?.items ?? []).map((p) => [p.id, p.name]));
    const items = res.data?.items ?? [];
    const changes = (e: AuditEntry) => (e.changes ? Object.entries(e.changes).map(([k, v]) => `${k}：${changeText(v)}`).join('；').slice(0, 300) : '');
    return adminPage(c, s, '审计日志', html`<form method="get" class="filters">
        <div class="field"><label for="a-resource">资源</label><input id="a-resource" name="resource" type="text" value="${q.resource ?? ''}"></div>
        <div class="field"><label for="a-action">操作</label><select id="a-action" name="action"><option value="">（全部）</option>${Object.entries(auditActions).map(([k, l]) => html`<option value="${k}"${q.action === k ? ' selected' : ''}>${l}</option>`)}</select></div>
        <div class="field"><label for="a-from">从</label><input id="a-from" name="from" type="date" value="${q.from ?? ''}"></div>
        <div class="field"><label for="a-to">到</label><input id="a-to" name="to" type="date" value="${q.to ?? ''}"></div>
        <button type="submit">筛选</button></form>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      ${items.length
        ? html`<div class="scroll" role="region" aria-label="审计记录" tabindex="0"><table class="records"><caption>审计记录（本页 ${items.length} 条）</caption><thead><tr><th scope="col">时间</th><th scope="col">操作人</th><th scope="col">操作</th><th scope="col">资源</th><th scope="col">记录</th><th scope="col">变更</th></tr></thead>
          <tbody>${items.map((e) => html`<tr><td>${localDateTime(new Date(e.at), s.tenant.timeZone)}</td><td>${e.actorId ? (names.get(e.actorId) ?? e.actorId) : '系统'}</td><td>${auditActions[e.action] ?? e.action}</td><td>${e.resource}</td><td>${e.recordId ?? ''}</td><td>${changes(e)}</td></tr>`)}</tbody></table></div>`
        : problem ? '' : html`<p class="muted">没有符合条件的记录。</p>`}
      ${res.data?.nextCursor ? html`<p><a href="?${new URLSearchParams({ ...filters, cursor: res.data.nextCursor })}">下一页</a></p>` : ''}`, problem ? 400 : 200);
  })));

  return app;
};
