/**
 * 工作台: the pages federation staff use, served by the same Hono app as the
 * API under /{tenant}/…:
 *   auth.ts     the tenant picker, login, logout, the (first-login) password change
 *   tasks.ts    我的任务, with one tap to the form that records what is missing
 *   records.ts  record forms and lists for every record kind
 *   board.ts    督办看板 for supervisors and admins
 *   admin.ts    管理 for admins: people, org units, CSV import, outbox, audit log
 * Pages call the API in-process (./api.ts), so permissions, scope and
 * validation are the API's. Forms work without JavaScript; POSTs need the
 * session's CSRF token and a same-origin request (./kit.ts).
 */
import { Hono } from '../lib/hono.ts';
import type { AppDeps } from '../env.ts';
import type { ApiFetch } from './api.ts';
import { webKit } from './kit.ts';
import { AppError, errorCodes } from '../lib/errors.ts';
import { authPages } from './auth.ts';
import { taskPages } from './tasks.ts';
import { recordPages } from './records.ts';
import { boardPages } from './board.ts';
import { adminPages } from './admin.ts';

export const webRoutes = (deps: AppDeps, fetchApi: ApiFetch) => {
  const kit = webKit(deps, fetchApi);
  const web = new Hono().route('/', authPages(kit)).route('/', taskPages(kit)).route('/', recordPages(kit)).route('/', boardPages(kit)).route('/', adminPages(kit));
  // A suspended federation's pages say so, in a page rather than the API's JSON; anything else goes to the app's handler.
  web.onError((err, c) => {
    if (err instanceof AppError && err.code === 'TENANT_SUSPENDED') return kit.errorPage(c, { id: c.req.param('tenant') ?? '', name: '下基层工作台' }, 403, errorCodes.TENANT_SUSPENDED.zh);
    throw err;
  });
  return web;
};
