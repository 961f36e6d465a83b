import { Hono } from '../lib/hono.ts';
import type { Context } from 'hono';
import * as v from 'valibot';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../env.ts';
import { people } from '../../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { hashPassword, verifyPassword } from '../lib/password.ts';
import { signToken } from '../lib/jwt.ts';
import { validate } from '../lib/validate.ts';
import { doc } from '../lib/openapi.ts';
import { LOGIN_LIMITS } from '../lib/rate-limit.ts';
import { Email, Password, PersonSchema } from './schemas.ts';
import { personView } from './people.ts';

const LoginBody = v.strictObject({ email: Email, password: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) });
const LoginResult = v.object({ token: v.string(), tokenType: v.literal('Bearer'), expiresAt: v.string(), person: PersonSchema });
const ChangePasswordBody = v.strictObject({ currentPassword: v.pipe(v.string(), v.maxLength(256)), newPassword: Password });

/**
 * Each login or password check counts against the client's address and the account (whatever its
 * outcome, before the password is checked); over either limit is 429 with Retry-After. No account is
 * ever locked: the limit passes with its minute.
 */
async function checkAttemptLimits(deps: AppDeps, c: Context<AppEnv>, account: string) {
  const [byAddress, byAccount] = await Promise.all([
    deps.loginLimits.byAddress.limit({ key: `address:${deps.clientAddress(c)}` }),
    deps.loginLimits.byAccount.limit({ key: `account:${c.get('tenant').id}:${account}` }),
  ]);
  if (!byAddress.success || !byAccount.success) {
    deps.log.warn('attempts_limited', { tenant: c.get('tenant').id, by: byAddress.success ? 'account' : 'address', requestId: c.get('requestId') });
    throw new AppError('TOO_MANY_ATTEMPTS');
  }
}

// Spent on unknown emails too, so that timing does not tell which emails exist.
const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Login: no token needed. */
export const loginRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().post(
    '/login',
    doc({ tag: '认证', summary: '邮箱密码登录，返回 JWT', description: `同一地址每分钟最多 ${LOGIN_LIMITS.perAddress} 次、同一账户每分钟最多 ${LOGIN_LIMITS.perAccount} 次，超过答 429（按 Retry-After 等待）；账户不会被锁定。`, auth: false, ok: { schema: LoginResult } }),
    validate('json', LoginBody),
    async (c) => {
      const { email, password } = c.req.valid('json');
      await checkAttemptLimits(deps, c, email);
      const person = await c.get('db').query.people.findFirst({ where: and(eq(people.email, email), isNull(people.deletedAt)) });
      const ok = await verifyPassword(password, person?.passwordHash ?? DUMMY_HASH);
      if (person && !ok) deps.log.warn('login_failed', { tenant: c.get('tenant').id, person: person.id, requestId: c.get('requestId') });
      if (!person || !person.passwordHash || !ok) throw new AppError('INVALID_CREDENTIALS');
      const { token, expiresAt } = await signToken(deps.config, { sub: person.id, tenant: c.get('tenant').id, access: person.access, ver: person.sessionVersion }, deps.clock.now());
      deps.log.info('login', { tenant: c.get('tenant').id, person: person.id, requestId: c.get('requestId') });
      return c.json({ token, tokenType: 'Bearer' as const, expiresAt: expiresAt.toISOString(), person: personView(person) });
    },
  );

/** Routes about the caller: token needed. */
export const selfRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/me', doc({ tag: '认证', summary: '当前登录人', ok: { schema: PersonSchema } }), async (c) => {
      const person = await c.get('db').query.people.findFirst({ where: eq(people.id, c.get('user').id) });
      return c.json(personView(person!));
    })
    .post(
      '/auth/password',
      doc({ tag: '认证', summary: '修改本人密码', description: '成功后本人此前的所有登录凭证（包括本次请求所用的）失效，请重新登录。', ok: { status: 204 } }),
      validate('json', ChangePasswordBody),
      async (c) => {
        const { currentPassword, newPassword } = c.req.valid('json');
        await checkAttemptLimits(deps, c, c.get('user').id);
        const person = await c.get('db').query.people.findFirst({ where: eq(people.id, c.get('user').id) });
        if (!person?.passwordHash || !(await verifyPassword(currentPassword, person.passwordHash))) throw new AppError('INVALID_CREDENTIALS');
        await c.get('db')
          .update(people)
          .set({ passwordHash: await hashPassword(newPassword), mustChangePassword: false, sessionVersion: sql`${people.sessionVersion} + 1`, updatedAt: deps.clock.now().toISOString() })
          .where(eq(people.id, person.id));
        return c.body(null, 204);
      },
    );
