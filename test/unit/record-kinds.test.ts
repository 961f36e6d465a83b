/**
 * One description per record kind (src/records/kinds.ts): its drizzle table
 * is built from it, and the rule engine's view of a kind is read from it.
 * These checks keep the table, the API resource and the engine's view in step;
 * test/node/schema-migrations.test.ts checks the migrations against the table.
 */
import { describe, expect, it } from 'vitest';
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { resources, systemFields } from '../../src/records/resources.ts';
import { recordKinds, type FieldDef } from '../../src/domain/records.ts';

describe('record kinds are described once', () => {
  it.each(resources.map((r) => [r.path, r] as const))('%s: every column of its table is a field of the resource, and every field a column', (_, def) => {
    const columns = Object.keys(getTableColumns(def.table as unknown as SQLiteTable));
    // A household belongs to a unit, not a person: the shared person column stays empty.
    const unused: Record<string, string[]> = { households: ['personId'] };
    const system = new Set<string>([...systemFields, 'deletedAt', ...(unused[def.path] ?? [])]);
    expect(columns.filter((c) => !system.has(c)).sort()).toEqual(Object.keys(def.fields).sort());
  });

  it("the engine's fields of a kind carry the resource's labels and values; sensitive personal fields are not offered to rules", () => {
    for (const def of resources) {
      const kind = recordKinds[def.kind as keyof typeof recordKinds];
      if (!kind) continue; // households are not counted by rules themselves
      for (const [name, spec] of Object.entries(def.fields)) {
        const f = (kind.fields as Record<string, FieldDef>)[name];
        if (spec.sensitive) expect(f, `${def.kind}.${name}`).toBeUndefined();
        else expect([f.label, f.values], `${def.kind}.${name}`).toEqual([spec.label, spec.values]);
      }
    }
  });
});
