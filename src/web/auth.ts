/**
 * 登录 and what belongs to it: the tenant picker at /, login and logout per
 * tenant, and the password change (forced after a first login or a reset).
 */
import type { Context } from 'hono';
import { Hono } from '../lib/hono.ts';
import { html } from 'hono/html';
import type { TenantConfig } from '../tenants/schema.ts';
import type { FieldError } from '../lib/errors.ts';
import { apiClient } from './api.ts';
import { endSession, startSession } from './session.ts';
import { page, csrfInput, type Viewer } from './layout.ts';
import { formOf, noticeOf, one, safeNext, type Kit, type Me } from './kit.ts';

export const authPages = (kit: Kit) => {
  const app = new Hono();
  const { tenantOf, sameOrigin, signedInPage, signedInPost } = kit;

  app.get('/', async (c) =>
    c.html(html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>下基层工作台</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main id="main"><h1>下基层工作台</h1><p>请选择所在妇联：</p><ul class="tenants">${(await kit.deps.tenants.list()).filter((t) => t.status === 'active').map((t) => html`<li><a class="button" href="/${t.id}/login">${t.name}</a></li>`)}</ul>
<p class="muted">接口文档：<a href="/docs">/docs</a></p></main></body></html>`),
  );

  // ---------------------------------------------------------------- login, logout, password
  app.get('/:tenant', async (c) => {
    const tenant = await tenantOf(c);
    return tenant ? c.redirect(`/${tenant.id}/tasks`, 303) : c.notFound();
  });

  const loginPage = (c: Context, tenant: TenantConfig, opts: { email?: string; error?: string; next?: string }, status: 200 | 401 | 400 | 429 = 200) =>
    c.html(
      page({
        tenant,
        title: '登录',
        notice: noticeOf(c),
        body: html`<form method="post" action="/${tenant.id}/login" class="record">
          ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
          ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
          <div class="field"><label for="email">邮箱</label><input id="email" name="email" type="email" autocomplete="username" value="${opts.email ?? ''}" required></div>
          <div class="field"><label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
          <button type="submit" class="primary">登录</button>
        </form>`,
      }),
      status,
    );

  app.get('/:tenant/login', async (c) => {
    const tenant = await tenantOf(c);
    if (!tenant) return c.notFound();
    return loginPage(c, tenant, { next: safeNext(tenant.id, c.req.query('next')) });
  });

  app.post('/:tenant/login', sameOrigin, async (c) => {
    const tenant = await tenantOf(c);
    if (!tenant) return c.notFound();
    const form = await formOf(c);
    const email = one(form.email) ?? '';
    const next = safeNext(tenant.id, one(form.next));
    const res = await apiClient(c, kit.fetchApi, tenant.id, undefined)<{ token: string; expiresAt: string; person: Me }>('POST', '/auth/login', { email, password: one(form.password) ?? '' });
    if (!res.ok) {
      const message = res.error!.code === 'VALIDATION_FAILED' ? '请填写正确的邮箱和密码' : res.error!.message;
      return loginPage(c, tenant, { email, error: message, next }, res.status === 429 ? 429 : res.status === 400 ? 400 : 401);
    }
    startSession(c, tenant.id, res.data.token, (new Date(res.data.expiresAt).getTime() - kit.deps.clock.now().getTime()) / 1000);
    if (res.data.person.mustChangePassword) return c.redirect(`/${tenant.id}/password${next ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
    return c.redirect(next ?? `/${tenant.id}/tasks`, 303);
  });

  app.post('/:tenant/logout', sameOrigin, async (c) => {
    const tenant = await tenantOf(c);
    if (!tenant) return c.notFound();
    endSession(c, tenant.id);
    return c.redirect(`/${tenant.id}/login?notice=loggedOut`, 303);
  });

  const passwordPage = (c: Context, tenant: TenantConfig, viewer: Viewer, mustChange: boolean, errors: FieldError[] = [], next?: string, status: 200 | 400 | 401 = 200) => {
    const err = (path: string) => errors.filter((e) => e.path === path).map((e) => html`<p class="field-error" id="e-${path}">${e.message}</p>`);
    const invalid = (path: string) => (errors.some((e) => e.path === path) ? html` aria-invalid="true" aria-describedby="e-${path}"` : '');
    return c.html(
      page({
        tenant,
        title: '修改密码',
        viewer,
        body: html`${mustChange ? html`<p class="notice" role="status">首次登录或密码被重置后，须先设置自己的密码。</p>` : ''}
          <form method="post" action="/${tenant.id}/password" class="record" novalidate>
            ${csrfInput(viewer)}
            ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
            <div class="field"><label for="currentPassword">当前密码</label><input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password"${invalid('currentPassword')}>${err('currentPassword')}</div>
            <div class="field"><label for="newPassword">新密码（至少 8 位）</label><input id="newPassword" name="newPassword" type="password" autocomplete="new-password"${invalid('newPassword')}>${err('newPassword')}</div>
            <button type="submit" class="primary">修改密码</button>
          </form>`,
      }),
      status,
    );
  };

  app.get(
    '/:tenant/password',
    signedInPage((c, { tenant, viewer, me }) => passwordPage(c, tenant, viewer, me.mustChangePassword, [], safeNext(tenant.id, c.req.query('next'))), { passwordPage: true }),
  );

  const changePassword = signedInPost(
    async (c, s, form) => {
      const tenant = s.tenant;
      const next = safeNext(tenant.id, one(form.next));
      const res = await s.api('POST', '/auth/password', { currentPassword: one(form.currentPassword) ?? '', newPassword: one(form.newPassword) ?? '' });
      if (!res.ok) {
        const errors = res.error!.code === 'INVALID_CREDENTIALS' ? [{ path: 'currentPassword', message: '当前密码不正确' }] : res.error!.fields;
        return passwordPage(c, tenant, s.viewer, s.me.mustChangePassword, errors, next, res.status === 401 ? 401 : 400);
      }
      // The change ends every earlier token, this session's too: log in again with the new password.
      endSession(c, tenant.id);
      return c.redirect(`/${tenant.id}/login?notice=password${next ? `&next=${encodeURIComponent(next)}` : ''}`, 303);
    },
    { passwordPage: true },
  );
  app.post('/:tenant/password', sameOrigin, changePassword);

  return app;
};
