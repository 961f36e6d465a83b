/**
 * What an operator does to the set of federations, shared by the CLI (`grassroots tenant …`,
 * `grassroots migrate --all`) and the platform API (/platform/tenants): create a tenant (database,
 * migrations, org tree, bootstrap admin, registration), migrate every tenant, and preview what a
 * new rule configuration would change before it is put in force.
 */
import type { AppDeps } from '../env.ts';
import { AppError, errorKind } from '../lib/errors.ts';
import { migrateTenantDb } from '../db/migrate.ts';
import { provisionTenant } from '../db/provision.ts';
import { evaluateTenant } from '../rules/engine.ts';
import type { TenantConfig } from './schema.ts';
import type { TenantConfigSet } from './config-set.ts';
import { tenantExists, type RegisteredTenant } from './registry.ts';

/** Path words under /v1 (the platform API, the tenant list): no federation may take them as its id. */
export const RESERVED_TENANT_IDS = ['platform', 'tenants'];

export interface CreatedTenant {
  tenant: RegisteredTenant;
  /** Shown once: the first admin's email and one-time password (she must change it at first login). */
  bootstrapAdmin?: { email: string; password: string };
}

/**
 * Creates a federation: its database (where `databaseUrl` says, else where the runtime's provisioner
 * creates it), the migrations, the org tree of its config and a bootstrap admin, then registers it.
 * Registration comes last, so a federation is never served before its database is ready; a run that
 * stopped half-way can be repeated (the database and its provisioning are reused).
 */
export async function createTenant(deps: AppDeps, input: { config: TenantConfig; databaseUrl?: string | null }, actor: string): Promise<CreatedTenant> {
  const { config } = input;
  if (RESERVED_TENANT_IDS.includes(config.id)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'config.id', message: `${config.id} 是保留字，不能用作妇联 id` }] });
  if (await deps.tenants.get(config.id)) throw tenantExists(config.id);
  let url = input.databaseUrl;
  if (url === undefined) {
    if (!deps.provisioner) throw new AppError('MISCONFIGURED', { detail: { zh: '未配置创建数据库的方式：请设置 TURSO_API_TOKEN、TURSO_ORG、TURSO_GROUP，或给出 databaseUrl', en: 'No way to create databases here: set TURSO_API_TOKEN, TURSO_ORG and TURSO_GROUP, or give databaseUrl' } });
    url = (await deps.provisioner.create(config.id)).url;
  }
  const db = deps.databaseAt(config.id, url);
  await deps.prepareDatabase?.(config.id, url);
  const schema = await migrateTenantDb(db);
  const now = deps.clock.now();
  const provisioned = await provisionTenant(db, config, now);
  const tenant = await deps.tenants.create({ config, databaseUrl: url, schemaVersion: schema.applied, actor }, now);
  deps.log.info('tenant_created', { tenant: config.id, actor, schemaVersion: schema.applied });
  return { tenant, bootstrapAdmin: provisioned.bootstrapAdmin };
}

export interface MigrationReport {
  id: string;
  name: string;
  status: RegisteredTenant['status'];
  /** Schema version before and after; `error` (the failure's kind) if the database could not be migrated. */
  before?: number;
  after?: number;
  applied: string[];
  addedOrgUnits?: number;
  bootstrapAdmin?: { email: string; password: string };
  error?: string;
}

/**
 * Brings every registered tenant's database (or the named ones) up to this build's schema and its
 * org tree, and records each schema version in the registry. Safe to re-run; one tenant's failure is
 * reported and the others go on.
 */
export async function migrateTenants(deps: AppDeps, actor: string, only?: string[]): Promise<MigrationReport[]> {
  const all = await deps.tenants.list();
  const unknown = (only ?? []).filter((id) => !all.some((t) => t.id === id));
  if (unknown.length) throw new AppError('TENANT_NOT_FOUND', { detail: { zh: `登记库中没有：${unknown.join('、')}（已登记 ${all.map((t) => t.id).join('、') || '无'}）`, en: `Not registered: ${unknown.join(', ')}` } });
  const out: MigrationReport[] = [];
  for (const t of all.filter((x) => !only || only.includes(x.id))) {
    const report: MigrationReport = { id: t.id, name: t.name, status: t.status, applied: [] };
    try {
      await deps.prepareDatabase?.(t.id, t.databaseUrl);
      const db = deps.database(t.config);
      const state = await migrateTenantDb(db);
      const provisioned = await provisionTenant(db, t.config, deps.clock.now());
      Object.assign(report, { before: state.applied - state.appliedNow.length, after: state.applied, applied: state.appliedNow, addedOrgUnits: provisioned.addedOrgUnits, bootstrapAdmin: provisioned.bootstrapAdmin });
      await deps.tenants.recordSchemaVersion(t.id, state.applied, actor, deps.clock.now());
    } catch (e) {
      report.error = errorKind(e);
      deps.log.error('tenant_migration_failed', { tenant: t.id, kind: report.error });
    }
    out.push(report);
  }
  return out;
}

/**
 * Registers every federation in the files that the registry does not know yet (the embedded
 * default seeds the founding federations from tenants/*.json this way), and names those whose file
 * differs from the config in force: a file never overrides the registry; `tenant config set` does.
 */
export async function registerFromFiles(deps: AppDeps, files: TenantConfigSet, actor: (id: string) => string) {
  const added: CreatedTenant[] = [];
  const differing: { id: string; version: number }[] = [];
  for (const config of files.list()) {
    const registered = await deps.tenants.get(config.id);
    if (!registered) added.push(await createTenant(deps, { config, databaseUrl: null }, actor(config.id)));
    else if (JSON.stringify(registered.config) !== JSON.stringify(config)) differing.push({ id: config.id, version: registered.configVersion });
  }
  return { added, differing };
}

export interface ConfigPreview {
  asOf: string;
  /** Results (rule × subject × period) as of now under the config in force, and under the proposed one. */
  before: number;
  after: number;
  /** Results present under both whose status differs; results only under one of them. */
  statusChanged: number;
  added: number;
  removed: number;
  /** The same, per rule id, for rules with any change. */
  byRule: Record<string, { statusChanged: number; added: number; removed: number }>;
}

/** What putting `proposed` in force would change today: how many results would change status, appear or disappear. */
export async function previewConfig(deps: AppDeps, current: TenantConfig, proposed: TenantConfig): Promise<ConfigPreview> {
  const asOf = deps.clock.now();
  const db = deps.database(current);
  const key = (r: { ruleId: string; subject: { type: string; id: string }; period: { key: string } }) => `${r.ruleId}|${r.subject.type}:${r.subject.id}|${r.period.key}`;
  const index = async (config: TenantConfig) => new Map((await evaluateTenant(db, config, { asOf })).map((r) => [key(r), r]));
  const [before, after] = [await index(current), await index(proposed)];
  const byRule: ConfigPreview['byRule'] = {};
  const bump = (ruleId: string, what: 'statusChanged' | 'added' | 'removed') => ((byRule[ruleId] ??= { statusChanged: 0, added: 0, removed: 0 })[what] += 1);
  for (const [k, r] of after) {
    const was = before.get(k);
    if (!was) bump(r.ruleId, 'added');
    else if (was.status !== r.status) bump(r.ruleId, 'statusChanged');
  }
  for (const [k, r] of before) if (!after.has(k)) bump(r.ruleId, 'removed');
  const total = (what: 'statusChanged' | 'added' | 'removed') => Object.values(byRule).reduce((n, x) => n + x[what], 0);
  return { asOf: asOf.toISOString(), before: before.size, after: after.size, statusChanged: total('statusChanged'), added: total('added'), removed: total('removed'), byRule };
}
