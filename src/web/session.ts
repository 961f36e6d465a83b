/**
 * The workbench's session: the API's own JWT in an HttpOnly, Secure,
 * SameSite=Lax cookie scoped to the tenant's pages, so a session ends exactly
 * when the token does (expiry, password change, reset, removal). Every form
 * that changes something carries a CSRF token derived from the session token
 * with HMAC; the token is useless without the cookie and the cookie without it.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppConfig } from '../env.ts';

export const SESSION_COOKIE = 'gr_session';
export const CSRF_FIELD = '_csrf';

const cookiePath = (tenantId: string) => `/${tenantId}`;

/** The session token, if any (the cookie's path limits it to this tenant's pages). */
export const readSession = (c: Context): string | undefined => getCookie(c, SESSION_COOKIE) || undefined;

/** The cookie lasts as long as the token (Max-Age, so that it does not depend on the browser's clock). */
export function startSession(c: Context, tenantId: string, token: string, lifetimeSeconds: number) {
  setCookie(c, SESSION_COOKIE, token, { path: cookiePath(tenantId), httpOnly: true, secure: true, sameSite: 'Lax', maxAge: Math.max(0, Math.floor(lifetimeSeconds)) });
}

export function endSession(c: Context, tenantId: string) {
  deleteCookie(c, SESSION_COOKIE, { path: cookiePath(tenantId), secure: true, httpOnly: true, sameSite: 'Lax' });
}

const b64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The CSRF token of a session: HMAC-SHA256 of the session token under the server's secret. */
export async function csrfToken(config: AppConfig, session: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(`csrf:${config.jwt.secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return b64url(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(session)));
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
