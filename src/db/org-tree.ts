import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './client.ts';

const subtreeQuery = (rootId: string) => sql`
    with recursive sub(id) as (
      select id from org_units where id = ${rootId} and deleted_at is null
      union
      select o.id from org_units o join sub on o.parent_id = sub.id where o.deleted_at is null
    )
    select id from sub`;

/** `column in (<unit and its live descendants>)`, as one SQL fragment for a WHERE clause. */
export function inSubtree(column: SQLWrapper, rootId: string): SQL {
  return sql`${column} in (${subtreeQuery(rootId)})`;
}

/** The ids of a unit and every live unit below it. */
export async function subtreeIds(db: Db, rootId: string): Promise<string[]> {
  const rows = await db.all<{ id: string }>(subtreeQuery(rootId));
  return rows.map((r) => r.id);
}

/** True when `descendantId` is `ancestorId` or lies below it. */
export async function isWithin(db: Db, ancestorId: string, descendantId: string): Promise<boolean> {
  const rows = await db.all<{ id: string }>(sql`
    with recursive up(id, parent_id) as (
      select id, parent_id from org_units where id = ${descendantId}
      union
      select o.id, o.parent_id from org_units o join up on o.id = up.parent_id
    )
    select id from up where id = ${ancestorId}`);
  return rows.length > 0;
}
