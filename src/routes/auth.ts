import { Hono } from 'hono';
import * as v from 'valibot';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../env.ts';
import { people } from '../../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { hashPassword, verifyPassword } from '../lib/password.ts';
import { signToken } from '../lib/jwt.ts';
import { validate } from '../lib/validate.ts';
import { doc } from '../lib/openapi.ts';
import { Email, Password, PersonSchema } from './schemas.ts';
import { personView } from './people.ts';

const LoginBody = v.strictObject({ email: Email, password: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) });
const LoginResult = v.object({ token: v.string(), tokenType: v.literal('Bearer'), expiresAt: v.string(), person: PersonSchema });
const ChangePasswordBody = v.strictObject({ currentPassword: v.pipe(v.string(), v.maxLength(256)), newPassword: Password });

/** Five wrong passwords in a row lock the account for fifteen minutes. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

// Spent on unknown emails too, so that timing does not tell which emails exist.
const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Login: no token needed. */
export const loginRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().post(
    '/login',
    doc({ tag: '认证', summary: '邮箱密码登录，返回 JWT', auth: false, ok: { schema: LoginResult } }),
    validate('json', LoginBody),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const now = deps.clock.now();
      const person = await c.var.db.query.people.findFirst({ where: and(eq(people.email, email), isNull(people.deletedAt)) });
      if (person?.lockedUntil && person.lockedUntil > now.toISOString()) throw new AppError('TOO_MANY_ATTEMPTS');
      const ok = await verifyPassword(password, person?.passwordHash ?? DUMMY_HASH);
      if (person && !ok) {
        // One statement, so that concurrent attempts all count.
        await c.var.db
          .update(people)
          .set({
            failedLogins: sql`${people.failedLogins} + 1`,
            lockedUntil: sql`case when ${people.failedLogins} + 1 >= ${MAX_FAILED_LOGINS} then ${new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString()} else ${people.lockedUntil} end`,
          })
          .where(eq(people.id, person.id));
        deps.log.warn('login_failed', { tenant: c.var.tenant.id, person: person.id, requestId: c.var.requestId });
      }
      if (!person || !person.passwordHash || !ok) throw new AppError('INVALID_CREDENTIALS');
      if (person.failedLogins || person.lockedUntil) await c.var.db.update(people).set({ failedLogins: 0, lockedUntil: null }).where(eq(people.id, person.id));
      const { token, expiresAt } = await signToken(deps.config, { sub: person.id, tenant: c.var.tenant.id, access: person.access, ver: person.sessionVersion }, deps.clock.now());
      deps.log.info('login', { tenant: c.var.tenant.id, person: person.id, requestId: c.var.requestId });
      return c.json({ token, tokenType: 'Bearer' as const, expiresAt: expiresAt.toISOString(), person: personView(person) });
    },
  );

/** Routes about the caller: token needed. */
export const selfRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/me', doc({ tag: '认证', summary: '当前登录人', ok: { schema: PersonSchema } }), async (c) => {
      const person = await c.var.db.query.people.findFirst({ where: eq(people.id, c.var.user.id) });
      return c.json(personView(person!));
    })
    .post(
      '/auth/password',
      doc({ tag: '认证', summary: '修改本人密码', description: '成功后本人此前的所有登录凭证（包括本次请求所用的）失效，请重新登录。', ok: { status: 204 } }),
      validate('json', ChangePasswordBody),
      async (c) => {
        const { currentPassword, newPassword } = c.req.valid('json');
        const person = await c.var.db.query.people.findFirst({ where: eq(people.id, c.var.user.id) });
        if (!person?.passwordHash || !(await verifyPassword(currentPassword, person.passwordHash))) throw new AppError('INVALID_CREDENTIALS');
        await c.var.db
          .update(people)
          .set({ passwordHash: await hashPassword(newPassword), mustChangePassword: false, sessionVersion: sql`${people.sessionVersion} + 1`, updatedAt: deps.clock.now().toISOString() })
          .where(eq(people.id, person.id));
        return c.body(null, 204);
      },
    );
