import { Hono } from '../lib/hono.ts';
import * as v from 'valibot';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { newId } from '../lib/ids.ts';
import { commitWrite } from '../middleware/idempotency.ts';
import { auditContext, auditIfChanged, auditInsert, changedColumns } from '../records/audit.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { AppDeps, AppEnv } from '../env.ts';
import { orgUnits, people } from '../../db/schema.ts';
import { orgLevelDepth, orgLevels, orgTypes } from '../domain/glossary.ts';
import { AppError, conflict, notFound } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc } from '../lib/openapi.ts';
import { requireAccess } from '../middleware/auth.ts';
import { isWithin } from '../db/org-tree.ts';
import type { Db } from '../db/client.ts';
import { CalendarDate } from '../lib/dates.ts';
import { localDate } from '../lib/time.ts';
import { parentChange, parentClose, parentOnCreate } from '../db/history.ts';
import { Id, IdParam, Name, OrgLevel, OrgType, OrgUnitSchema, OrgUnitTreeSchema, type OrgUnitTree } from './schemas.ts';

type OrgUnitRow = typeof orgUnits.$inferSelect;

export const orgUnitView = (u: OrgUnitRow): v.InferOutput<typeof OrgUnitSchema> => ({
  id: u.id,
  name: u.name,
  level: u.level,
  levelLabel: orgLevels[u.level],
  type: u.type,
  typeLabel: orgTypes[u.type],
  parentId: u.parentId,
  sortOrder: u.sortOrder,
  establishedOn: u.establishedOn,
});
const EstablishedOn = v.pipe(CalendarDate, v.description('成立日期；不填表示启用本系统之前即已存在（“两新”组织新建妇女组织等规则按此日期计）'));

const Slug = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{1,39}$/));
const SortOrder = v.pipe(v.number(), v.integer(), v.minValue(-1_000_000), v.maxValue(1_000_000));
const CreateBody = v.strictObject({
  id: v.optional(Slug),
  name: Name,
  level: OrgLevel,
  type: OrgType,
  parentId: Id,
  sortOrder: v.optional(SortOrder, 0),
  establishedOn: v.optional(EstablishedOn),
});
const UpdateBody = v.strictObject({
  name: v.optional(Name),
  level: v.optional(OrgLevel),
  type: v.optional(OrgType),
  parentId: v.optional(Id),
  sortOrder: v.optional(SortOrder),
  establishedOn: v.optional(v.nullable(EstablishedOn)),
  /** The day a move under another parent takes effect (default: today); past periods keep the old parent. */
  effectiveFrom: v.optional(v.pipe(CalendarDate, v.description('移到新上级组织的生效日期，默认今天；此前的考核期仍按原隶属关系'))),
});
const TreeQuery = v.strictObject({ flat: v.optional(v.picklist(['true', 'false'])) });
const OneResult = v.object({ ...OrgUnitSchema.entries, path: v.array(OrgUnitSchema), children: v.array(OrgUnitSchema) });

/** An org unit's fields before and after, for the audit log. */
const unitChanges = (before: OrgUnitRow | null, after: OrgUnitRow) => changedColumns(['name', 'level', 'type', 'parentId', 'sortOrder', 'establishedOn'], before, after);

const live = (id: string) => and(eq(orgUnits.id, id), isNull(orgUnits.deletedAt));

async function liveUnit(db: Db, id: string) {
  return db.query.orgUnits.findFirst({ where: live(id) });
}

/** A unit sits at its parent's level or below it (a department sits beside its federation). */
function assertLevelFits(parent: OrgUnitRow, level: OrgUnitRow['level']) {
  if (orgLevelDepth[level] < orgLevelDepth[parent.level]) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'level', message: `不能高于上级组织的层级（${orgLevels[parent.level]}）` }] });
  }
}

export function buildTree(rows: OrgUnitRow[]): OrgUnitTree[] {
  const nodes = new Map(rows.map((r) => [r.id, { ...orgUnitView(r), children: [] as OrgUnitTree[] }]));
  const roots: OrgUnitTree[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  return roots;
}

export const orgUnitRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', doc({ tag: '组织', summary: '组织树（?flat=true 为平铺列表）', ok: { schema: v.object({ items: v.array(OrgUnitTreeSchema) }) } }), validate('query', TreeQuery), async (c) => {
      const rows = await c.get('db').select().from(orgUnits).where(isNull(orgUnits.deletedAt)).orderBy(asc(orgUnits.sortOrder), asc(orgUnits.id));
      if (c.req.valid('query').flat === 'true') return c.json({ items: rows.map((r) => ({ ...orgUnitView(r), children: [] })) });
      return c.json({ items: buildTree(rows) });
    })
    .get('/:id', doc({ tag: '组织', summary: '查看一个组织及其上级路径、下级', ok: { schema: OneResult } }), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const db = c.get('db');
      const unit = await liveUnit(db, id);
      if (!unit) throw notFound();
      const [path, children] = await Promise.all([
        db.all<OrgUnitRow>(sql`
          with recursive up(id, depth) as (
            select parent_id, 1 from org_units where id = ${id}
            union all
            select o.parent_id, up.depth + 1 from org_units o join up on o.id = up.id where o.parent_id is not null
          )
          select o.id, o.name, o.level, o.type, o.parent_id as parentId, o.sort_order as sortOrder, o.established_on as establishedOn
          from up join org_units o on o.id = up.id order by up.depth desc`),
        db.select().from(orgUnits).where(and(eq(orgUnits.parentId, id), isNull(orgUnits.deletedAt))).orderBy(asc(orgUnits.sortOrder), asc(orgUnits.id)),
      ]);
      return c.json({ ...orgUnitView(unit), path: path.map(orgUnitView), children: children.map(orgUnitView) });
    })
    .post('/', doc({ tag: '组织', summary: '新增组织（管理员）', ok: { status: 201, schema: OrgUnitSchema } }), requireAccess('admin'), validate('json', CreateBody), async (c) => {
      const body = c.req.valid('json');
      const db = c.get('db');
      const parent = await liveUnit(db, body.parentId);
      if (!parent) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'parentId', message: '上级组织不存在' }] });
      assertLevelFits(parent, body.level);
      const now = deps.clock.now().toISOString();
      const row: OrgUnitRow = {
        id: body.id ?? `u-${newId().toLowerCase()}`,
        name: body.name,
        level: body.level,
        type: body.type,
        parentId: parent.id,
        sortOrder: body.sortOrder,
        establishedOn: body.establishedOn ?? null,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      try {
        return await commitWrite(c, [db.insert(orgUnits).values(row), parentOnCreate(db, row, row.establishedOn), auditInsert(auditContext(c, deps.clock.now()), 'create', 'org-units', row.id, unitChanges(null, row))], 201, orgUnitView(row));
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('该组织 id 已存在', 'An org unit with that id exists');
        throw e;
      }
    })
    .patch('/:id', doc({ tag: '组织', summary: '修改组织（管理员）', ok: { schema: OrgUnitSchema } }), requireAccess('admin'), validate('param', IdParam), validate('json', UpdateBody), async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const db = c.get('db');
      const unit = await liveUnit(db, id);
      if (!unit) throw notFound();
      const parentId = body.parentId ?? unit.parentId;
      if (body.parentId !== undefined) {
        if (!unit.parentId) throw conflict('根组织不能移动', 'The root unit cannot be moved');
        if (await isWithin(db, id, body.parentId)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'parentId', message: '不能移到自身或下级组织之下' }] });
      }
      if (parentId) {
        const parent = await liveUnit(db, parentId);
        if (!parent) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'parentId', message: '上级组织不存在' }] });
        assertLevelFits(parent, body.level ?? unit.level);
      }
      const { effectiveFrom, ...fields } = body;
      const moves = body.parentId !== undefined && body.parentId !== unit.parentId;
      const history = moves ? await parentChange(db, unit, body.parentId!, effectiveFrom ?? localDate(deps.clock.now(), c.get('tenant').timeZone)) : [];
      const [[updated]] = await db.batch([
        db
          .update(orgUnits)
          .set({ ...fields, updatedAt: deps.clock.now().toISOString() })
          .where(live(id))
          .returning(),
        // Right after the update: written only if it happened (changes() of the statement before).
        auditIfChanged(auditContext(c, deps.clock.now()), 'update', 'org-units', id, unitChanges(unit, { ...unit, ...fields })),
        ...history,
      ]);
      if (!updated) throw notFound();
      return c.json(orgUnitView(updated));
    })
    .delete('/:id', doc({ tag: '组织', summary: '删除组织（管理员，须无下级组织和人员）', ok: { status: 204 } }), requireAccess('admin'), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const db = c.get('db');
      const unit = await liveUnit(db, id);
      if (!unit) throw notFound();
      if (!unit.parentId) throw conflict('根组织不能删除', 'The root unit cannot be deleted');
      const now = deps.clock.now().toISOString();
      // One guarded statement: nothing is deleted if a live child or person still hangs below it.
      const [deleted] = await db.batch([
        db
          .update(orgUnits)
          .set({ deletedAt: now, updatedAt: now })
          .where(
            and(
              live(id),
              sql`not exists (select 1 from ${orgUnits} c where c.parent_id = ${id} and c.deleted_at is null)`,
              sql`not exists (select 1 from ${people} p where p.org_unit_id = ${id} and p.deleted_at is null)`,
            ),
          )
          .returning({ id: orgUnits.id }),
        auditIfChanged(auditContext(c, deps.clock.now()), 'delete', 'org-units', id, {}),
        // Ends its place in the tree today, only if the guarded delete above happened.
        parentClose(db, id, localDate(deps.clock.now(), c.get('tenant').timeZone)),
      ]);
      if (!deleted.length) throw conflict('该组织下仍有下级组织或人员，不能删除', 'The unit still has child units or people');
      return c.body(null, 204);
    });
