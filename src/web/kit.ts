/**
 * What every workbench page shares: the signed-in person (from the session
 * cookie, through the API's /me), the same-origin and CSRF checks on form
 * posts, error pages, and the few request helpers. Page modules (auth, tasks,
 * records, board, admin) take a kit and add their routes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import type { AppDeps } from '../env.ts';
import { AppError } from '../lib/errors.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import type { Status } from '../rules/status.ts';
import { apiClient, type Api, type ApiFetch } from './api.ts';
import { csrfToken, CSRF_FIELD, endSession, readSession, sameToken } from './session.ts';
import { page, type Viewer } from './layout.ts';
import type { PostedForm } from './forms.ts';
import type { FieldError } from '../lib/errors.ts';

export type Row = Record<string, unknown>;
export interface Me {
  id: string;
  name: string;
  access: Viewer['access'];
  orgUnitId: string | null;
  mustChangePassword: boolean;
}
export type Form = PostedForm;
export type Signed = { tenant: TenantConfig; api: Api; me: Me; viewer: Viewer };
/** One rule × subject × period as the API's compliance reads return it. */
export interface Result {
  ruleId: string;
  title: string;
  source: { document: string; clause: string };
  interpretation?: string;
  subject: { type: string; id: string; name: string; orgUnitId: string | null; personId: string | null };
  period: { key: string; label: string };
  due: string;
  status: Status;
  targetText: string;
  actualText: string;
  missing: string[];
}

/** Messages a redirect may ask a page to show (never text from the URL itself). */
const notices = {
  saved: '已保存。',
  deleted: '已删除。',
  password: '密码已修改，请用新密码登录。',
  loggedOut: '已退出登录。',
  retried: '已重新排入发送队列。',
  passwordReset: '密码已重置，对方下次登录时须修改密码。',
} as const;
type Notice = keyof typeof notices;
export const noticeOf = (c: Context) => notices[c.req.query('notice') as Notice] as string | undefined;
/** A form post without this session's CSRF token. */
const STALE_FORM = '表单已过期或来源不明，请刷新页面后重试。';

/** A place to go back to after login or saving: only a page of this tenant. */
export const safeNext = (tenantId: string, next: string | undefined) =>
  next && next.startsWith(`/${tenantId}/`) && !next.startsWith('//') && !/[\\\s]/.test(next) ? next : undefined;

/** This page's address (path and query), to come back to after a detour. */
export const backHere = (c: Context) => c.req.path + new URL(c.req.url).search;
export const formOf = async (c: Context) => (await c.req.parseBody({ all: true })) as Form;
/** A form field's one text value ('' for a file or a missing field). */
export const one = (v: Form[string] | undefined): string | undefined => {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
};

export type ErrorStatus = 400 | 403 | 404 | 500;
/** The page status for an API refusal: its own when it is one a page shows, else 400. */
export const pageStatus = (status: number): ErrorStatus => (status === 403 || status === 404 ? status : 400);

/** An API refusal shown on the form it came from: field messages next to the fields, anything else on top. */
export interface FormRefusal { errors: FieldError[]; message: string; status: 400 | 403 }
export const formRefusal = (res: { status: number; error?: { message: string; fields: FieldError[] } }): FormRefusal => ({
  errors: res.error!.fields,
  message: res.error!.fields.length ? '请修改标红的内容后再保存。' : res.error!.message,
  status: res.status === 403 ? 403 : 400,
});

export type PageHandler = (c: Context, s: Signed) => Response | Promise<Response>;
export type PostHandler = (c: Context, s: Signed, form: Form) => Response | Promise<Response>;
export type Kit = ReturnType<typeof webKit>;

export function webKit(deps: AppDeps, fetchApi: ApiFetch) {
  /** The tenant the path names, if it is registered; a suspended one is refused with a page saying so (routes.ts). */
  const tenantOf = async (c: Context): Promise<TenantConfig | undefined> => {
    const t = await deps.tenants.get(c.req.param('tenant') ?? '');
    if (t?.status === 'suspended') throw new AppError('TENANT_SUSPENDED');
    return t?.config;
  };

  const errorPage = (c: Context, tenant: Pick<TenantConfig, 'id' | 'name'>, status: ErrorStatus, message: string, viewer?: Viewer) => {
    const title = { 400: '无法完成', 403: '无权访问', 404: '未找到', 500: '出错了' }[status];
    return c.html(page({ tenant, title, viewer, body: html`<p class="error" role="alert">${message}</p><p><a href="/${tenant.id}/tasks">返回我的任务</a></p>` }), status);
  };

  /**
   * The signed-in person, or a redirect to login (no session, or the session's token no longer holds)
   * or to the password change (a first login or a reset).
   */
  async function signedIn(c: Context, tenant: TenantConfig, opts: { passwordPage?: boolean } = {}): Promise<Omit<Signed, 'tenant'> | Response> {
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
    if (!allowed) return errorPage(c, (await tenantOf(c)) ?? { id: '', name: '下基层工作台' }, 403, STALE_FORM);
    await next();
  };

  /** A page of a signed-in person: 404 for an unknown tenant, else signedIn()'s redirects, then the handler. */
  const signedInPage =
    (handler: PageHandler, opts: { passwordPage?: boolean } = {}) =>
    async (c: Context) => {
      const tenant = await tenantOf(c);
      if (!tenant) return c.notFound();
      const s = await signedIn(c, tenant, opts);
      return s instanceof Response ? s : handler(c, { tenant, ...s });
    };

  /** A form post of a signed-in person (mount after `sameOrigin`): refused unless it carries the session's CSRF token. */
  const signedInPost = (handler: PostHandler, opts: { passwordPage?: boolean } = {}) =>
    signedInPage(async (c, s) => {
      const form = await formOf(c);
      return sameToken(one(form[CSRF_FIELD]) ?? '', s.viewer.csrf) ? handler(c, s, form) : errorPage(c, s.tenant, 403, STALE_FORM, s.viewer);
    }, opts);

  /**
   * A page only some may open (督办看板: supervisors and admins; 管理: admins). The API checks every
   * read again; this gives the others a 403 page before anything is fetched.
   */
  const forAccess =
    (allowed: Viewer['access'][], what: string) =>
    <H extends PageHandler | PostHandler>(handler: H): H =>
      ((c: Context, s: Signed, form?: Form) =>
        allowed.includes(s.me.access) ? (handler as PostHandler)(c, s, form as Form) : errorPage(c, s.tenant, 403, `${what}仅供${allowed.map((a) => ({ admin: '管理员', supervisor: '督导', member: '成员' })[a]).join('和')}使用。`, s.viewer)) as H;

  /** The page for an API refusal: its status (403, 404, else 400) and its Chinese message, or the page's own. */
  const refusedPage = (c: Context, s: Signed, res: { status: number; error?: { message: string } }, message?: string) => errorPage(c, s.tenant, pageStatus(res.status), message ?? res.error!.message, s.viewer);

  return { deps, fetchApi, tenantOf, errorPage, refusedPage, signedIn, sameOrigin, signedInPage, signedInPost, forAccess };
}
