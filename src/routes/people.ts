import { Hono } from '../lib/hono.ts';
import { auditContext, auditIfChanged, auditInsert, changedColumns } from '../records/audit.ts';
import * as v from 'valibot';
import { and, asc, eq, gt, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { newId } from '../lib/ids.ts';
import { commitWrite } from '../middleware/idempotency.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { AppDeps, AppEnv } from '../env.ts';
import { people, orgUnits } from '../../db/schema.ts';
import { AppError, conflict, notFound } from '../lib/errors.ts';
import { hashPassword } from '../lib/password.ts';
import { validate } from '../lib/validate.ts';
import { doc, PageQuery, pageOf, encodeCursor } from '../lib/openapi.ts';
import { requireAccess, type AuthUser } from '../middleware/auth.ts';
import { inSubtree } from '../db/org-tree.ts';
import type { Db } from '../db/client.ts';
import { Access, Duty, Email, Id, IdParam, Name, Password, PersonSchema } from './schemas.ts';
import { accessRoles, dutyRoles } from '../domain/glossary.ts';
import { csvBody, csvResponse } from '../records/csv.ts';
import { CalendarDate } from '../lib/dates.ts';
import { localDate } from '../lib/time.ts';
import { assignmentChange, assignmentClose, assignmentOnCreate, assignmentsOf } from '../db/history.ts';

type PersonRow = typeof people.$inferSelect;

export const personView = (p: PersonRow): v.InferOutput<typeof PersonSchema> => ({
  id: p.id,
  name: p.name,
  email: p.email,
  access: p.access,
  duty: p.duty,
  orgUnitId: p.orgUnitId,
  phone: p.phone,
  canLogin: Boolean(p.email && p.passwordHash),
  mustChangePassword: p.mustChangePassword,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

const Phone = v.pipe(v.string(), v.trim(), v.regex(/^[0-9+\- ]{5,20}$/));

export const CreatePersonBody = v.strictObject({
  name: Name,
  email: v.optional(v.nullable(Email)),
  password: v.optional(Password),
  access: v.optional(Access, 'member'),
  duty: v.optional(v.nullable(Duty)),
  orgUnitId: v.optional(v.nullable(Id)),
  phone: v.optional(v.nullable(Phone)),
  /** Since when she holds this duty in this unit; absent: since before records began (people entered at go-live). */
  dutyFrom: v.optional(v.pipe(CalendarDate, v.description('任职开始日期（本职务、本组织）；不填表示在启用本系统之前即已任职'))),
  mustChangePassword: v.optional(v.pipe(v.boolean(), v.description('true：首次登录须先修改密码（工作台新增人员时即如此）')), false),
});
/** A person to create: the POST body, where the CLI and the demo may leave out mustChangePassword. */
type NewPerson = Omit<v.InferOutput<typeof CreatePersonBody>, 'mustChangePassword'> & { mustChangePassword?: boolean };
const UpdateBody = v.strictObject({
  name: v.optional(Name),
  email: v.optional(v.nullable(Email)),
  password: v.optional(Password),
  access: v.optional(Access),
  duty: v.optional(v.nullable(Duty)),
  orgUnitId: v.optional(v.nullable(Id)),
  phone: v.optional(v.nullable(Phone)),
  /** The day a change of unit or duty takes effect (default: today); the earlier assignment ends the day before. */
  effectiveFrom: v.optional(v.pipe(CalendarDate, v.description('组织或职务变动的生效日期，默认今天；原任职至前一天结束，历史考核结果不变'))),
});
const AssignmentSchema = v.object({
  orgUnitId: v.nullable(v.string()),
  duty: v.nullable(Duty),
  from: v.pipe(v.nullable(v.string()), v.description('开始日期；null 表示启用本系统之前')),
  to: v.pipe(v.nullable(v.string()), v.description('结束日期（含当天）；null 表示至今')),
});
const ListQuery = v.strictObject({
  ...PageQuery,
  orgUnit: v.optional(Id),
  duty: v.optional(Duty),
  access: v.optional(Access),
  q: v.optional(v.pipe(v.string(), v.maxLength(50))),
  format: v.optional(v.picklist(['json', 'csv'])),
});

/** The rows a caller may read: admins all, supervisors their subtree (and themselves), members themselves. */
export function peopleScope(user: AuthUser): SQL | undefined {
  if (user.access === 'admin') return undefined;
  if (user.access === 'supervisor' && user.orgUnitId) {
    return sql`(${eq(people.id, user.id)} or ${inSubtree(people.orgUnitId, user.orgUnitId)})`;
  }
  return eq(people.id, user.id);
}

async function assertOrgUnit(db: Db, id: string | null | undefined) {
  if (!id) return;
  const unit = await db.query.orgUnits.findFirst({ columns: { id: true }, where: and(eq(orgUnits.id, id), isNull(orgUnits.deletedAt)) });
  if (!unit) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'orgUnitId', message: '组织不存在' }] });
}

/** Who does what to a person, for the audit log: her fields before and after; a password only as changed (***). */
function personChanges(before: PersonRow | null, after: PersonRow): Record<string, [unknown, unknown]> {
  const out = changedColumns(['name', 'email', 'access', 'duty', 'orgUnitId', 'phone'], before, after);
  if ((before?.passwordHash ?? null) !== (after.passwordHash ?? null)) out.password = [before?.passwordHash ? '***' : null, after.passwordHash ? '***' : null];
  return out;
}

const emailTaken = () => conflict('该邮箱已被使用', 'That email is already in use');

/** Guards a change that would leave the tenant without an admin: true if another live admin exists. */
const anotherAdminExists = (id: string) =>
  sql`exists (select 1 from people p2 where p2.access = 'admin' and p2.deleted_at is null and p2.id <> ${id})`;

/** Checks a new person against the database and builds her row (the API's POST and `grassroots user add` both come here). */
async function newPersonRow(db: Db, body: NewPerson, now: Date): Promise<PersonRow> {
  await assertOrgUnit(db, body.orgUnitId);
  if (body.password && !body.email) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'email', message: '设置密码时必须填写邮箱' }] });
  const at = now.toISOString();
  const row: PersonRow = {
    id: newId(),
    name: body.name,
    email: body.email ?? null,
    passwordHash: body.password ? await hashPassword(body.password) : null,
    mustChangePassword: Boolean(body.password) && body.mustChangePassword === true,
    sessionVersion: 0,
    access: body.access,
    duty: body.duty ?? null,
    orgUnitId: body.orgUnitId ?? null,
    phone: body.phone ?? null,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
  return row;
}

/** The statements that store a new person: her row and her first post (from `dutyFrom`, or since before records began). */
const personInserts = (db: Db, row: PersonRow, dutyFrom: string | undefined) =>
  [db.insert(people).values(row), assignmentOnCreate(db, row, dutyFrom ?? null, row.createdAt)] as const;

/** Creates one person. */
export async function createPerson(db: Db, body: NewPerson, now: Date): Promise<PersonRow> {
  const row = await newPersonRow(db, body, now);
  try {
    await db.batch(personInserts(db, row, body.dutyFrom));
  } catch (e) {
    if (isUniqueViolation(e)) throw emailTaken();
    throw e;
  }
  return row;
}

export const peopleRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', doc({ tag: '人员', summary: '人员列表（按权限范围）', ok: { schema: pageOf(PersonSchema) } }), validate('query', ListQuery), async (c) => {
      const q = c.req.valid('query');
      const after = q.format === 'csv' ? undefined : q.cursor;
      const rows = await c.get('db')
        .select()
        .from(people)
        .where(
          and(
            isNull(people.deletedAt),
            peopleScope(c.get('user')),
            q.orgUnit ? eq(people.orgUnitId, q.orgUnit) : undefined,
            q.duty ? eq(people.duty, q.duty) : undefined,
            q.access ? eq(people.access, q.access) : undefined,
            q.q ? sql`instr(${people.name}, ${q.q}) > 0` : undefined,
            after ? gt(people.id, after) : undefined,
          ),
        )
        .orderBy(asc(people.id))
        .limit(q.format === 'csv' ? 100_000 : q.limit + 1);
      if (q.format === 'csv') {
        return csvResponse(c, 'people', '人员', csvBody(['人员ID', '姓名', '邮箱', '权限', '职务', '组织ID', '电话'], rows.map((p) => [p.id, p.name, p.email ?? '', accessRoles[p.access], p.duty ? dutyRoles[p.duty] : '', p.orgUnitId ?? '', p.phone ?? ''])));
      }
      const page = rows.slice(0, q.limit);
      return c.json({ items: page.map(personView), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].id) : null });
    })
    .get('/:id', doc({ tag: '人员', summary: '查看一名人员' , ok: { schema: PersonSchema } }), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const row = await c.get('db').query.people.findFirst({ where: and(eq(people.id, id), isNull(people.deletedAt), peopleScope(c.get('user'))) });
      if (!row) throw notFound();
      return c.json(personView(row));
    })
    .post('/', doc({ tag: '人员', summary: '新增人员（管理员）', ok: { status: 201, schema: PersonSchema } }), requireAccess('admin'), validate('json', CreatePersonBody), async (c) => {
      const body = c.req.valid('json');
      const row = await newPersonRow(c.get('db'), body, deps.clock.now());
      try {
        return await commitWrite(c, [...personInserts(c.get('db'), row, body.dutyFrom), auditInsert(auditContext(c, deps.clock.now()), 'create', 'people', row.id, personChanges(null, row))], 201, personView(row));
      } catch (e) {
        if (isUniqueViolation(e)) throw emailTaken();
        throw e;
      }
    })
    .patch('/:id', doc({ tag: '人员', summary: '修改人员（管理员）', ok: { schema: PersonSchema } }), requireAccess('admin'), validate('param', IdParam), validate('json', UpdateBody), async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const db = c.get('db');
      const current = await db.query.people.findFirst({ where: and(eq(people.id, id), isNull(people.deletedAt)) });
      if (!current) throw notFound();
      await assertOrgUnit(db, body.orgUnitId);
      const email = body.email === undefined ? current.email : body.email;
      if (body.password && !email) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'email', message: '设置密码时必须填写邮箱' }] });
      const demotesAdmin = current.access === 'admin' && body.access !== undefined && body.access !== 'admin';
      const changes: Partial<Omit<PersonRow, 'sessionVersion'>> & { sessionVersion?: SQL } = {
        ...(body.name !== undefined && { name: body.name }),
        ...(body.email !== undefined && { email: body.email }),
        ...(body.access !== undefined && { access: body.access }),
        ...(body.duty !== undefined && { duty: body.duty }),
        ...(body.orgUnitId !== undefined && { orgUnitId: body.orgUnitId }),
        ...(body.phone !== undefined && { phone: body.phone }),
        ...(body.password !== undefined && { passwordHash: await hashPassword(body.password), mustChangePassword: true }),
        // A new password or a changed or removed email ends the person's earlier tokens.
        ...((body.password !== undefined || (body.email !== undefined && body.email !== current.email)) && { sessionVersion: sql`${people.sessionVersion} + 1` }),
        updatedAt: deps.clock.now().toISOString(),
      };
      // A move to another unit or duty is recorded from its effective day, never overwritten.
      const next = { orgUnitId: body.orgUnitId === undefined ? current.orgUnitId : body.orgUnitId, duty: body.duty === undefined ? current.duty : body.duty };
      const moves = next.orgUnitId !== current.orgUnitId || next.duty !== current.duty;
      const effectiveFrom = body.effectiveFrom ?? localDate(deps.clock.now(), c.get('tenant').timeZone);
      const history = moves ? await assignmentChange(db, current, next, effectiveFrom, changes.updatedAt!) : [];
      let updated: PersonRow[];
      try {
        const [rows] = await db.batch([
          db
            .update(people)
            .set(changes)
            .where(and(eq(people.id, id), isNull(people.deletedAt), demotesAdmin ? anotherAdminExists(id) : undefined))
            .returning(),
          // Right after the update: written only if it happened (changes() of the statement before).
          auditIfChanged(auditContext(c, deps.clock.now()), 'update', 'people', id, personChanges(current, { ...current, ...changes, sessionVersion: current.sessionVersion, passwordHash: body.password !== undefined ? '(new)' : current.passwordHash })),
          // Only if the update above happened (the last admin cannot be demoted): the same guard.
          ...(demotesAdmin ? [] : history),
        ]);
        updated = rows;
        if (demotesAdmin && updated.length && history.length) await db.batch(history as [never, ...never[]]);
      } catch (e) {
        if (isUniqueViolation(e)) throw emailTaken();
        throw e;
      }
      if (!updated.length) throw conflict('不能取消最后一名管理员的管理员权限', 'Cannot demote the last admin');
      return c.json(personView(updated[0]));
    })
    .delete('/:id', doc({ tag: '人员', summary: '删除人员（管理员，软删除）', ok: { status: 204 } }), requireAccess('admin'), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      if (id === c.get('user').id) throw conflict('不能删除自己', 'You cannot delete yourself');
      const db = c.get('db');
      const current = await db.query.people.findFirst({ columns: { id: true }, where: and(eq(people.id, id), isNull(people.deletedAt)) });
      if (!current) throw notFound();
      // Her assignment ends today; her past results stay (judged on the people of each period).
      await db.batch([
        db
          .update(people)
          .set({ deletedAt: deps.clock.now().toISOString(), updatedAt: deps.clock.now().toISOString() })
          .where(and(eq(people.id, id), isNull(people.deletedAt), ne(people.id, c.get('user').id))),
        auditIfChanged(auditContext(c, deps.clock.now()), 'delete', 'people', id, {}),
        assignmentClose(db, id, localDate(deps.clock.now(), c.get('tenant').timeZone)),
      ]);
      return c.body(null, 204);
    })
    .get('/:id/history', doc({ tag: '人员', summary: '任职历史（组织与职务的变动，按开始日期）', ok: { schema: v.object({ items: v.array(AssignmentSchema) }) } }), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const row = await c.get('db').query.people.findFirst({ columns: { id: true }, where: and(eq(people.id, id), isNull(people.deletedAt), peopleScope(c.get('user'))) });
      if (!row) throw notFound();
      const items = await assignmentsOf(c.get('db'), id);
      return c.json({ items: items.map((a) => ({ orgUnitId: a.orgUnitId, duty: a.duty, from: a.fromDate, to: a.toDate })) });
    });
