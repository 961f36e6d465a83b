import { createMiddleware } from 'hono/factory';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../env.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';
import { verifyToken } from '../lib/jwt.ts';
import { people } from '../../db/schema.ts';
import type { AccessRole, DutyRole } from '../domain/glossary.ts';

export interface AuthUser {
  id: string;
  name: string;
  access: AccessRole;
  duty: DutyRole | null;
  orgUnitId: string | null;
}

const PASSWORD_CHANGE_PATHS = /^\/v1\/[^/]+\/(me|auth\/password)\/?$/;

/**
 * Bearer token → the caller. The token must verify (HS256 only; iss, aud, exp
 * required) and name this tenant; the person is then read from the tenant's
 * database so that a changed role, a deleted account or a changed login
 * (sessionVersion) takes effect at once. Someone who must change her
 * password (bootstrap admin, a reset) may only read /me and change it.
 */
export const authMiddleware = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new AppError('UNAUTHENTICATED');
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    if (!match) throw new AppError('TOKEN_INVALID');
    const claims = await verifyToken(deps.config, match[1], deps.clock.now());
    if (!claims) throw new AppError('TOKEN_INVALID');
    if (claims.tenant !== c.get('tenant').id) throw new AppError('TENANT_MISMATCH');
    const [person] = await sessionQuery(c.get('db')).execute({ id: claims.sub });
    // A changed password, an admin's reset or a removed login ends every earlier token.
    if (!person || !person.canLogIn || person.sessionVersion !== claims.ver) throw new AppError('TOKEN_INVALID');
    // A first login or an admin's reset: nothing but reading oneself and changing the password until it is changed.
    if (person.mustChangePassword && !PASSWORD_CHANGE_PATHS.test(c.req.path)) throw new AppError('PASSWORD_CHANGE_REQUIRED');
    c.set('user', { id: person.id, name: person.name, access: person.access, duty: person.duty, orgUnitId: person.orgUnitId });
    await next();
  });

/** The token's person, as one statement built once per database (every authenticated request runs it). */
const sessionQueries = new WeakMap<Db, ReturnType<typeof prepareSession>>();
const prepareSession = (db: Db) =>
  db
    .select({ id: people.id, name: people.name, access: people.access, duty: people.duty, orgUnitId: people.orgUnitId, canLogIn: sql<boolean>`${people.passwordHash} is not null`.mapWith(Boolean), sessionVersion: people.sessionVersion, mustChangePassword: people.mustChangePassword })
    .from(people)
    .where(and(eq(people.id, sql.placeholder('id')), isNull(people.deletedAt)))
    .prepare();
function sessionQuery(db: Db) {
  let q = sessionQueries.get(db);
  if (!q) sessionQueries.set(db, (q = prepareSession(db)));
  return q;
}

/** Only these access roles may pass. */
export const requireAccess = (...roles: AccessRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.get('user').access)) throw new AppError('FORBIDDEN');
    await next();
  });
