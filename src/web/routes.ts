/**
 * 工作台: the pages federation staff use, served by the same Hono app as the
 * API under /{tenant}/…: login and the first-login password change, 我的任务
 * (every rule × period that concerns me, with one tap to the form that records
 * what is missing), and record forms and lists for every record kind. Pages
 * call the API in-process (./api.ts), so permissions, scope and validation are
 * the API's. Forms work without JavaScript; POSTs need the session's CSRF token
 * and a same-origin request.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import type { AppDeps } from '../env.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import type { Rule } from '../rules/schema.ts';
import type { Status } from '../rules/status.ts';
import { resourceByPath, resources, type ResourceDef } from '../records/resources.ts';
import { cnDate } from '../lib/time.ts';
import type { FieldError } from '../lib/errors.ts';
import { apiClient, type Api, type ApiFetch } from './api.ts';
import { csrfToken, CSRF_FIELD, endSession, readSession, sameToken, startSession } from './session.ts';
import { page, statusBadge, csrfInput, type Viewer } from './layout.ts';
import { bodyFromForm, recordForm, type Choices } from './forms.ts';
import { toCell } from '../records/fields.ts';

type Row = Record<string, unknown>;
interface Me {
  id: string;
  name: string;
  access: Viewer['access'];
  orgUnitId: string | null;
  mustChangePassword: boolean;
}
type Form = Record<string, string | string[]>;
type Signed = { tenant: TenantConfig; api: Api; me: Me; viewer: Viewer };
interface Result {
  ruleId: string;
  title: string;
  source: { document: string; clause: string };
  interpretation?: string;
  subject: { type: string; id: string; name: string; personId: string | null };
  period: { key: string; label: string };
  due: string;
  status: Status;
  targetText: string;
  actualText: string;
  missing: string[];
}

/** Messages a redirect may ask a page to show (never text from the URL itself). */
const notices = { saved: '已保存。', deleted: '已删除。', password: '密码已修改，请用新密码登录。', loggedOut: '已退出登录。' } as const;
type Notice = keyof typeof notices;
/** A form post without this session's CSRF token. */
const STALE_FORM = '表单已过期或来源不明，请刷新页面后重试。';
const noticeOf = (c: Context) => notices[c.req.query('notice') as Notice] as string | undefined;

/** A place to go back to after login or saving: only a page of this tenant. */
const safeNext = (tenantId: string, next: string | undefined) =>
  next && next.startsWith(`/${tenantId}/`) && !next.startsWith('//') && !/[\\\s]/.test(next) ? next : undefined;

/** This page's address (path and query), to come back to after a detour. */
const backHere = (c: Context) => c.req.path + new URL(c.req.url).search;
const formOf = async (c: Context) => (await c.req.parseBody({ all: true })) as Form;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export const webRoutes = (deps: AppDeps, fetchApi: ApiFetch) => {
  const app = new Hono();

  const tenantOf = (c: Context): TenantConfig | undefined => deps.tenants.get(c.req.param('tenant') ?? '');

  const errorPage = (c: Context, tenant: Pick<TenantConfig, 'id' | 'name'>, status: 403 | 404 | 400 | 500, message: string, viewer?: Viewer) => {
    const title = { 400: '无法完成', 403: '无权访问', 404: '未找到', 500: '出错了' }[status];
    return c.html(page({ tenant, title, viewer, body: html`<p class="error" role="alert">${message}</p><p><a href="/${tenant.id}/tasks">返回我的任务</a></p>` }), status);
  };

  /**
   * The signed-in person, or a redirect to login (no session, or the session's token no longer holds)
   * or to the password change (a first login or a reset).
   */
  async function signedIn(c: Context, tenant: TenantConfig, opts: { passwordPage?: boolean } = {}): Promise<{ api: Api; me: Me; viewer: Viewer } | Response> {
    const here = backHere(c);
    const token = readSession(c);
    const toLogin = () => c.redirect(`/${tenant.id}/login?next=${encodeURIComponent(here)}`, 303);
    if (!token) return toLogin();
    const api = apiClient(c, fetchApi, tenant.id, token);
    const me = await api<Me>('GET', '/me');
    if (!me.ok) {
      endSession(c, tenant.id);
      return toLogin();
    }
    if (me.data.mustChangePassword && !opts.passwordPage) return c.redirect(`/${tenant.id}/password?next=${encodeURIComponent(here)}`, 303);
    return { api, me: me.data, viewer: { name: me.data.name, access: me.data.access, csrf: await csrfToken(deps.config, token) } };
  }

  /**
   * A form post must come from this origin (hono/csrf: Origin or Sec-Fetch-Site; behind a proxy the
   * public address counts as this origin) and, once signed in, carry the session's CSRF token.
   */
  const originCheck = csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === new URL(deps.config.publicBaseUrl).origin });
  const sameOrigin: MiddlewareHandler = async (c, next) => {
    let allowed = false;
    await originCheck(c, async () => {
      allowed = true;
    }).catch(() => undefined);
    if (!allowed) return errorPage(c, tenantOf(c) ?? { id: '', name: '下基层工作台' }, 403, STALE_FORM);
    await next();
  };
  const checkCsrf = (viewer: Viewer, form: Form) => sameToken(one(form[CSRF_FIELD]) ?? '', viewer.csrf);

  /** A page of a signed-in person: 404 for an unknown tenant, else signedIn()'s redirects, then the handler. */
  const signedInPage =
    (handler: (c: Context, s: Signed) => Response | Promise<Response>, opts: { passwordPage?: boolean } = {}) =>
    async (c: Context) => {
      const tenant = tenantOf(c);
      if (!tenant) return c.notFound();
      const s = await signedIn(c, tenant, opts);
      return s instanceof Response ? s : handler(c, { tenant, ...s });
    };

  /** A form post of a signed-in person (after `sameOrigin`): refused unless it carries the session's CSRF token. */
  const signedInPost = (handler: (c: Context, s: Signed, form: Form) => Response | Promise<Response>, opts: { passwordPage?: boolean } = {}) =>
    signedInPage(async (c, s) => {
      const form = await formOf(c);
      return checkCsrf(s.viewer, form) ? handler(c, s, form) : errorPage(c, s.tenant, 403, STALE_FORM, s.viewer);
    }, opts);

  app.get('/', (c) =>
    c.html(html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>下基层工作台</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main id="main"><h1>下基层工作台</h1><p>请选择所在妇联：</p><ul class="tenants">${deps.tenants.list().map((t) => html`<li><a class="button" href="/${t.id}/login">${t.name}</a></li>`)}</ul>
<p class="muted">接口文档：<a href="/docs">/docs</a></p></main></body></html>`),
  );

  // ---------------------------------------------------------------- login, logout, password
  app.get('/:tenant', (c) => {
    const tenant = tenantOf(c);
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

  app.get('/:tenant/login', (c) => {
    const tenant = tenantOf(c);
    if (!tenant) return c.notFound();
    return loginPage(c, tenant, { next: safeNext(tenant.id, c.req.query('next')) });
  });

  app.post('/:tenant/login', sameOrigin, async (c) => {
    const tenant = tenantOf(c);
    if (!tenant) return c.notFound();
    const form = await formOf(c);
    const email = one(form.email) ?? '';
    const next = safeNext(tenant.id, one(form.next));
    const res = await apiClient(c, fetchApi, tenant.id, undefined)<{ token: string; expiresAt: string; person: Me }>('POST', '/auth/login', { email, password: one(form.password) ?? '' });
    if (!res.ok) {
      const message = res.error!.code === 'VALIDATION_FAILED' ? '请填写正确的邮箱和密码' : res.error!.message;
      return loginPage(c, tenant, { email, error: message, next }, res.status === 429 ? 429 : res.status === 400 ? 400 : 401);
    }
    startSession(c, tenant.id, res.data.token, (new Date(res.data.expiresAt).getTime() - deps.clock.now().getTime()) / 1000);
    if (res.data.person.mustChangePassword) return c.redirect(`/${tenant.id}/password${next ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
    return c.redirect(next ?? `/${tenant.id}/tasks`, 303);
  });

  app.post('/:tenant/logout', sameOrigin, async (c) => {
    const tenant = tenantOf(c);
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

  // ---------------------------------------------------------------- 我的任务
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

  app.get('/:tenant/tasks', signedInPage(async (c, s) => {
    const tenant = s.tenant;
    const rule = c.req.query('rule');
    const period = c.req.query('period');
    const subject = c.req.query('subject');
    // One item (an email's link): the API decides whether the caller may see it.
    const res = rule
      ? await s.api<{ items: Result[] }>('GET', `/compliance?${new URLSearchParams({ rule, limit: '1000' })}`)
      : await s.api<{ items: Result[] }>('GET', `/compliance/people/${s.me.id}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 400, res.error!.message, s.viewer);
    const items = res.data.items.filter((r) => (!period || r.period.key === period) && (!subject || r.subject.id === subject) && (rule || r.subject.personId === s.me.id));
    const rulesById = new Map(tenant.rules.map((r) => [r.id, r]));
    const card = (r: Result) => {
      const link = r.subject.personId === s.me.id ? recordLink(tenant, rulesById.get(r.ruleId), r) : undefined;
      return html`<li class="task status-border-${r.status}" data-rule="${r.ruleId}" data-period="${r.period.key}" data-status="${r.status}">
        <div class="task-head"><span class="rule-id">${r.ruleId}</span> ${statusBadge(r.status)}</div>
        <h2>${r.title}</h2>
        <dl>
          ${r.subject.personId === s.me.id ? '' : html`<dt>对象</dt><dd>${r.subject.name}</dd>`}
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
    const body = items.length
      ? html`${rule ? html`<p><a href="/${tenant.id}/tasks">查看我的全部任务</a></p>` : ''}<ul class="tasks">${items.map(card)}</ul>`
      : html`<p class="muted">${rule ? '没有找到这一事项，或您无权查看。' : '目前没有需要您完成的考核事项。'}</p>`;
    return c.html(page({ tenant, title: rule ? '事项详情' : '我的任务', viewer: s.viewer, notice: noticeOf(c), body }));
  }));

  // ---------------------------------------------------------------- records
  const mayRecord = (def: ResourceDef, me: Me) => !def.supervisorsOnly || me.access !== 'member';

  async function choicesFor(api: Api, def: ResourceDef, me: Me): Promise<Choices> {
    const choices: Choices = {};
    const names = Object.keys(def.fields);
    if (names.some((n) => /OrgUnitId$|^orgUnitId$/.test(n))) {
      const units = await api<{ items: { id: string; name: string }[] }>('GET', '/org-units?flat=true');
      if (units.ok) choices.orgUnit = units.data.items.map((u) => ({ id: u.id, label: u.name }));
    }
    if (names.includes('householdId')) {
      const hs = await api<{ items: { id: string; address?: string; headName?: string | null }[] }>('GET', '/households?limit=200');
      if (hs.ok) choices.household = hs.data.items.map((h) => ({ id: h.id, label: [h.headName, h.address].filter(Boolean).join(' · ') || h.id }));
    }
    if (names.includes('fieldTripId')) {
      const ts = await api<{ items: { id: string; startDate: string; endDate: string; purpose?: string | null }[] }>('GET', `/field-trips?person=${me.id}&limit=200`);
      if (ts.ok) choices.fieldTrip = ts.data.items.map((t) => ({ id: t.id, label: `${t.startDate}至${t.endDate}${t.purpose ? ` ${t.purpose}` : ''}` }));
    }
    return choices;
  }

  /** What a list shows of a record: its date and its first few filled-in fields, in Chinese. */
  function summary(def: ResourceDef, row: Row): string {
    return Object.entries(def.fields)
      .filter(([name, spec]) => name !== def.dateField && spec.kind !== 'ref' && row[name] !== null && row[name] !== undefined && row[name] !== '' && !(Array.isArray(row[name]) && !(row[name] as unknown[]).length))
      .slice(0, 3)
      .map(([name, spec]) => `${spec.label}：${toCell(spec, row[name])}`.slice(0, 80))
      .join('；');
  }

  app.get('/:tenant/records', signedInPage((c, s) => {
    const tenant = s.tenant;
    const kinds = resources.filter((d) => mayRecord(d, s.me));
    return c.html(
      page({
        tenant,
        title: '我的记录',
        viewer: s.viewer,
        body: html`<ul class="kinds">${kinds.map((d) => html`<li><a href="/${tenant.id}/records/${d.path}">${d.label}</a> <a class="button small" href="/${tenant.id}/records/${d.path}/new">登记</a></li>`)}</ul>`,
      }),
    );
  }));

  const recordDef = (c: Context) => resourceByPath.get(c.req.param('path') ?? '');
  /** A record kind's route: 404 for an unknown kind before anything else. */
  const ofKind = (route: (def: ResourceDef) => (c: Context) => Promise<Response>) => (c: Context) => {
    const def = recordDef(c);
    return def ? route(def)(c) : c.notFound();
  };

  app.get('/:tenant/records/:path', ofKind((def) => signedInPage(async (c, s) => {
    const tenant = s.tenant;
    const query = new URLSearchParams({ limit: '100' });
    if (def.personal) query.set('person', s.me.id);
    const res = await s.api<{ items: Row[] }>('GET', `/${def.path}?${query}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 400, res.error!.message, s.viewer);
    const dateOf = (r: Row) => String(r[def.dateField ?? 'createdAt'] ?? '').slice(0, 10);
    const rows = res.data.items.sort((a, b) => String(b[def.dateField ?? 'createdAt'] ?? '').localeCompare(String(a[def.dateField ?? 'createdAt'] ?? '')));
    const dateLabel = def.dateField ? def.fields[def.dateField].label : '登记时间';
    const body = html`${mayRecord(def, s.me) ? html`<p><a class="button primary" href="/${tenant.id}/records/${def.path}/new">登记${def.label}</a></p>` : ''}
      ${rows.length
        ? html`<table class="records"><caption>${def.label}（${rows.length}条）</caption><thead><tr><th scope="col">${dateLabel}</th><th scope="col">内容</th><th scope="col">操作</th></tr></thead><tbody>
          ${rows.map(
            (r) => html`<tr><td>${dateOf(r)}</td><td>${summary(def, r)}</td>
              <td class="actions"><a href="/${tenant.id}/records/${def.path}/${String(r.id)}">修改</a>
              <form method="post" action="/${tenant.id}/records/${def.path}/${String(r.id)}/delete" class="inline">${csrfInput(s.viewer)}<button type="submit" class="link danger" aria-label="删除 ${dateOf(r)} 的${def.label}">删除</button></form></td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">还没有${def.label}记录。</p>`}`;
    return c.html(page({ tenant, title: def.label, viewer: s.viewer, notice: noticeOf(c), body }));
  })));

  const formPage = async (c: Context, tenant: TenantConfig, def: ResourceDef, s: { api: Api; me: Me; viewer: Viewer }, opts: { id?: string; values: Row; errors?: FieldError[]; next?: string; message?: string }, status: 200 | 400 | 403 = 200) =>
    c.html(
      page({
        tenant,
        title: `${opts.id ? '修改' : '登记'}${def.label}`,
        viewer: s.viewer,
        body: html`${opts.message ? html`<p class="error" role="alert">${opts.message}</p>` : ''}
          ${def.path === 'household-visits' && !opts.id ? html`<p class="muted">住户不在列表中？<a href="/${tenant.id}/records/households/new?next=${encodeURIComponent(backHere(c))}">先新增住户</a></p>` : ''}
          ${recordForm({
            def,
            action: `/${tenant.id}/records/${def.path}${opts.id ? `/${opts.id}` : ''}`,
            values: opts.values,
            errors: opts.errors ?? [],
            choices: await choicesFor(s.api, def, s.me),
            viewer: s.viewer,
            submitLabel: opts.id ? '保存修改' : '保存',
            next: opts.next,
          })}`,
      }),
      status,
    );

  app.get('/:tenant/records/:path/new', ofKind((def) => signedInPage((c, s) => {
    const tenant = s.tenant;
    if (!mayRecord(def, s.me)) return errorPage(c, tenant, 403, `${def.label}由督导或管理员登记。`, s.viewer);
    const values: Row = {};
    for (const [name, value] of Object.entries(c.req.query())) if (def.fields[name]) values[name] = value;
    if (!values.orgUnitId && s.me.orgUnitId && def.fields.orgUnitId && !def.fields.orgUnitId.readOnly) values.orgUnitId = s.me.orgUnitId;
    return formPage(c, tenant, def, s, { values, next: safeNext(tenant.id, c.req.query('next')) });
  })));

  /** Create or update through the API; on a refusal the form comes back with the API's messages and nothing is written. */
  const save = (def: ResourceDef, id: (c: Context) => string | undefined) => signedInPost(async (c, s, form) => {
    const tenant = s.tenant;
    const next = safeNext(tenant.id, one(form._next));
    const recordId = id(c);
    const body = bodyFromForm(def, form, recordId ? 'update' : 'create');
    const res = recordId ? await s.api('PATCH', `/${def.path}/${recordId}`, body) : await s.api('POST', `/${def.path}`, body);
    if (!res.ok) {
      if (res.status === 404) return errorPage(c, tenant, 404, res.error!.message, s.viewer);
      const values: Row = { ...body };
      for (const [name, v] of Object.entries(form)) if (def.fields[name] && typeof v === 'string' && body[name] === undefined) values[name] = v;
      return formPage(c, tenant, def, s, { id: recordId, values, errors: res.error!.fields, next, message: res.error!.fields.length ? '请修改标红的内容后再保存。' : res.error!.message }, res.status === 403 ? 403 : 400);
    }
    return c.redirect(next ? `${next}${next.includes('?') ? '&' : '?'}notice=saved` : `/${tenant.id}/records/${def.path}?notice=saved`, 303);
  });

  app.post('/:tenant/records/:path', sameOrigin, ofKind((def) => save(def, () => undefined)));

  app.get('/:tenant/records/:path/:id', ofKind((def) => signedInPage(async (c, s) => {
    const tenant = s.tenant;
    const res = await s.api<Row>('GET', `/${def.path}/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 404, res.status === 403 ? '无权查看这条记录。' : '未找到这条记录，或您无权查看。', s.viewer);
    return formPage(c, tenant, def, s, { id: String(res.data.id), values: res.data });
  })));

  app.post('/:tenant/records/:path/:id', sameOrigin, ofKind((def) => save(def, (c) => c.req.param('id'))));

  app.post('/:tenant/records/:path/:id/delete', sameOrigin, ofKind((def) => signedInPost(async (c, s) => {
    const tenant = s.tenant;
    const res = await s.api('DELETE', `/${def.path}/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 404, res.error!.message, s.viewer);
    return c.redirect(`/${tenant.id}/records/${def.path}?notice=deleted`, 303);
  })));

  return app;
};
