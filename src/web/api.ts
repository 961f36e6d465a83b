/**
 * The workbench calls the REST API in-process with the session's token, so a
 * page runs exactly the API's validation, permission and scope checks: there
 * is no second implementation of any of them.
 */
import type { Context } from 'hono';
import type { ErrorBody, FieldError } from '../lib/errors.ts';

/** The app's own fetch; `env` is the page request's (the Node socket, Workers bindings), so the API sees the same client. */
export type ApiFetch = (request: Request, env: unknown) => Response | Promise<Response>;

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  data: T;
  error?: { code: string; message: string; fields: FieldError[] };
}

export function apiClient(c: Context, fetchApi: ApiFetch, tenantId: string, token: string | undefined) {
  /** One request to the API; `body` is sent as JSON unless it is text with its own content type. */
  const send = (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const headers = new Headers({ 'accept-language': 'zh-CN', accept: 'application/json' });
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (body !== undefined) headers.set('content-type', contentType);
    const payload = body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : String(body);
    // The client's address travels with the call (Workers: cf-connecting-ip; Node: the socket in env), for the per-address login limit.
    const address = c.req.header('cf-connecting-ip');
    if (address) headers.set('cf-connecting-ip', address);
    return fetchApi(new Request(new URL(`/v1/${tenantId}${path}`, c.req.url), { method, headers, body: payload }), c.env);
  };
  async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResult<T>> {
    const res = await send(method, path, body, contentType);
    const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    if (res.ok) return { ok: true, status: res.status, data: data as T };
    const err = (data as ErrorBody | undefined)?.error;
    return { ok: false, status: res.status, data: undefined as T, error: { code: err?.code ?? 'INTERNAL', message: err?.message ?? '服务器内部错误，请稍后再试', fields: err?.fields ?? [] } };
  }
  /** The API's own response, passed on as it is (a CSV download). */
  return Object.assign(call, { raw: (path: string) => send('GET', path) });
}

export type Api = ReturnType<typeof apiClient>;
