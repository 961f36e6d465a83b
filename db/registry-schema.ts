/**
 * The control plane (the tenant registry): one libSQL database per deployment, separate from the
 * tenants' own databases. A libSQL file under DATA_DIR on Node (`registry.db`), a Turso database on
 * Workers (`REGISTRY_URL`). It says which federations exist, where each one's database is, whether
 * it is served, its rule configuration with every earlier version, and what operators did.
 */
import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';

export const tenantStatuses = { active: '服务中', suspended: '已暂停' } as const;
export type TenantStatus = keyof typeof tenantStatuses;

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'suspended'] }).notNull(),
  /** Where the tenant's database is: a libsql:// or https:// URL; null = the local file DATA_DIR/<id>.db (Node). */
  databaseUrl: text('database_url'),
  /** The version in tenant_config_versions that is in force. */
  configVersion: integer('config_version').notNull(),
  /** Migrations applied to the tenant's database, as last seen by `migrate` or `tenant create`. */
  schemaVersion: integer('schema_version'),
  schemaCheckedAt: text('schema_checked_at'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Every rule configuration a tenant has had; the row named by tenants.config_version is in force. */
export const tenantConfigVersions = sqliteTable(
  'tenant_config_versions',
  {
    tenantId: text('tenant_id').notNull().references(() => tenants.id),
    version: integer('version').notNull(),
    /** The tenant's JSON config (the tenants/<id>.json format), exactly as validated. */
    config: text('config').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: text('changed_at').notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.version] })],
);

/** What operators did to tenants: created, suspended, resumed, config changed, migrated. */
export const tenantEvents = sqliteTable(
  'tenant_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantId: text('tenant_id').notNull(),
    action: text('action', { enum: ['created', 'suspended', 'resumed', 'config_changed', 'migrated'] }).notNull(),
    actor: text('actor').notNull(),
    at: text('at').notNull(),
    detail: text('detail'),
  },
  (t) => [index('tenant_events_tenant_idx').on(t.tenantId, t.id)],
);
