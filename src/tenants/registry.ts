/**
 * The tenant registry: which federations this deployment serves, read from the control-plane
 * database (db/registry-schema.ts) and cached per process, so a request costs no registry query.
 * A federation registered by another process (the CLI) or another isolate is found at once: an
 * unknown id refreshes the cache (at most once a second); a suspension or a new configuration takes
 * effect within `cacheMs`. Writes here invalidate this process's cache immediately.
 */
import { and, desc, eq, ne, or, sql } from 'drizzle-orm';
// drizzle's libsql/http entry wraps whatever client it is handed (a file or an HTTP one). Its own
// import is @libsql/client/http, which the Worker uses anyway; the package's main entry would pull
// the WebSocket client into the worker bundle as well.
import { drizzle } from 'drizzle-orm/libsql/http';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type { Client } from '@libsql/client';
import * as registrySchema from '../../db/registry-schema.ts';
import { tenantConfigVersions, tenantEvents, tenants, type TenantStatus } from '../../db/registry-schema.ts';
import { parseTenantConfig, TenantConfigError, type TenantConfig } from './schema.ts';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

export type RegistryDb = LibSQLDatabase<typeof registrySchema>;
export const makeRegistryDb = (client: Client): RegistryDb => drizzle(client, { schema: registrySchema });

export interface RegisteredTenant {
  id: string;
  name: string;
  status: TenantStatus;
  /** null: the local file DATA_DIR/<id>.db (Node). */
  databaseUrl: string | null;
  configVersion: number;
  schemaVersion: number | null;
  schemaCheckedAt: string | null;
  config: TenantConfig;
}

type Row = Omit<RegisteredTenant, 'config'>;

/** A tenant's config as stored: the same validation as a file, naming the registry version in any error. */
function parseStored(id: string, version: number, text: string): TenantConfig {
  return parseTenantConfig(JSON.parse(text), `registry:${id}@v${version}`);
}

export class TenantRegistry {
  readonly db: RegistryDb;
  readonly #cacheMs: number;
  readonly #now: () => number;
  #byId = new Map<string, RegisteredTenant>();
  /** Registered tenants whose stored config this build does not accept: refused with 503 until corrected. */
  #unusable = new Map<string, Row>();
  #loadedAt = -Infinity;
  readonly #log?: Logger;
  #refreshing?: Promise<void>;

  constructor(db: RegistryDb, opts: { cacheMs?: number; now?: () => number; log?: Logger } = {}) {
    this.db = db;
    this.#log = opts.log;
    this.#cacheMs = opts.cacheMs ?? 15_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Reads the tenant rows, and the config of any tenant whose version changed since the last read. */
  async #refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const rows: Row[] = await this.db
          .select({ id: tenants.id, name: tenants.name, status: tenants.status, databaseUrl: tenants.databaseUrl, configVersion: tenants.configVersion, schemaVersion: tenants.schemaVersion, schemaCheckedAt: tenants.schemaCheckedAt })
          .from(tenants)
          .orderBy(tenants.id);
        const changed = rows.filter((r) => this.#byId.get(r.id)?.configVersion !== r.configVersion);
        const configs = changed.length
          ? await this.db
              .select({ tenantId: tenantConfigVersions.tenantId, version: tenantConfigVersions.version, config: tenantConfigVersions.config })
              .from(tenantConfigVersions)
              .where(or(...changed.map((r) => and(eq(tenantConfigVersions.tenantId, r.id), eq(tenantConfigVersions.version, r.configVersion)))))
          : [];
        const next = new Map<string, RegisteredTenant>();
        const unusable = new Map<string, Row>();
        for (const r of rows) {
          const stored = configs.find((c) => c.tenantId === r.id);
          try {
            const config = stored ? parseStored(r.id, stored.version, stored.config) : this.#byId.get(r.id)!.config;
            next.set(r.id, { ...r, config });
          } catch (e) {
            // One federation's stored config that this build no longer accepts must not take the others down.
            unusable.set(r.id, r);
            this.#log?.error('tenant_config_unusable', { tenant: r.id, version: r.configVersion, kind: (e as Error).name });
          }
        }
        this.#byId = next;
        this.#unusable = unusable;
        this.#loadedAt = this.#now();
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  #stale = () => this.#now() - this.#loadedAt >= this.#cacheMs;

  /** A registered tenant, whatever its status; undefined if there is none with that id. */
  async get(id: string): Promise<RegisteredTenant | undefined> {
    if (this.#stale() || (!this.#byId.has(id) && this.#now() - this.#loadedAt >= 1000)) await this.#refresh();
    const version = this.#unusable.get(id)?.configVersion;
    if (version) throw new AppError('MISCONFIGURED', { detail: { zh: `服务配置不完整，请联系运维人员：登记库中 ${id} 的配置（第 ${version} 版）未通过校验，请用 grassroots tenant config set 更正`, en: `${id}'s registered config (version ${version}) does not validate; correct it with grassroots tenant config set` } });
    return this.#byId.get(id);
  }

  /** Every registered tenant, by id. */
  async list(): Promise<RegisteredTenant[]> {
    if (this.#stale()) await this.#refresh();
    return [...this.#byId.values()];
  }

  /** The tenants that are served (not suspended): the ones the scheduled jobs run for. */
  async active(): Promise<TenantConfig[]> {
    return (await this.list()).filter((t) => t.status === 'active').map((t) => t.config);
  }

  /** Where a tenant's database is, from the cache: the entry asks after get() or list() found the tenant. */
  location(id: string): string | null | undefined {
    return this.#byId.get(id)?.databaseUrl;
  }

  invalidate() {
    this.#loadedAt = -Infinity;
  }

  /** The tenant's registry row as it is now (even if its stored config does not validate: so that it can be corrected). */
  async #require(id: string): Promise<Row> {
    this.invalidate();
    await this.#refresh();
    const t = this.#byId.get(id) ?? this.#unusable.get(id);
    if (!t) throw new AppError('TENANT_NOT_FOUND', { detail: { zh: `登记库中没有妇联 ${id}`, en: `No federation ${id} is registered` } });
    return t;
  }

  async #current(id: string): Promise<RegisteredTenant> {
    await this.#require(id);
    return (await this.get(id))!;
  }

  /** Registers a tenant whose database is ready, with its config as version 1. */
  async create(input: { config: TenantConfig; databaseUrl: string | null; schemaVersion: number; actor: string; note?: string }, at: Date): Promise<RegisteredTenant> {
    const { config, actor } = input;
    const when = at.toISOString();
    this.invalidate();
    if (await this.get(config.id).catch(() => true)) throw tenantExists(config.id);
    try {
      await this.db.batch([
        this.db.insert(tenants).values({ id: config.id, name: config.name, status: 'active', databaseUrl: input.databaseUrl, configVersion: 1, schemaVersion: input.schemaVersion, schemaCheckedAt: when, createdAt: when, updatedAt: when }),
        this.db.insert(tenantConfigVersions).values({ tenantId: config.id, version: 1, config: JSON.stringify(config), changedBy: actor, changedAt: when, note: input.note ?? null }),
        this.db.insert(tenantEvents).values({ tenantId: config.id, action: 'created', actor, at: when, detail: input.note ?? null }),
      ]);
    } catch (e) {
      // Two operators creating the same id at once: the primary key decides, nothing is half-written.
      this.invalidate();
      if (await this.get(config.id)) throw tenantExists(config.id);
      throw e;
    }
    return this.#current(config.id);
  }

  /** An event row written in the same batch as the update before it, only if that update changed a row. */
  #eventIfChanged(id: string, action: (typeof tenantEvents.$inferInsert)['action'], actor: string, at: string, detail: string | null = null) {
    return this.db.run(sql`insert into tenant_events (tenant_id, action, actor, at, detail) select ${id}, ${action}, ${actor}, ${at}, ${detail} where changes() > 0`);
  }

  /** Suspends or resumes a tenant; a no-op (and no event) if it is already so. Returns whether it changed. */
  async setStatus(id: string, status: TenantStatus, actor: string, at: Date): Promise<boolean> {
    await this.#require(id);
    const when = at.toISOString();
    const [changed] = await this.db.batch([
      this.db.update(tenants).set({ status, updatedAt: when }).where(and(eq(tenants.id, id), ne(tenants.status, status))).returning({ id: tenants.id }),
      this.#eventIfChanged(id, status === 'suspended' ? 'suspended' : 'resumed', actor, when),
    ]);
    this.invalidate();
    return changed.length > 0;
  }

  /**
   * Puts a new configuration in force as the next version, keeping every earlier one. `expectVersion`
   * (the version the operator looked at) guards against two changes crossing: the second is refused.
   */
  async setConfig(id: string, config: TenantConfig, actor: string, at: Date, opts: { note?: string; expectVersion?: number } = {}): Promise<RegisteredTenant> {
    const current = await this.#require(id);
    if (config.id !== id) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'id', message: `配置中的 id（${config.id}）须与妇联 ${id} 相同` }] });
    const conflict = (now: number) => new AppError('CONFLICT', { detail: { zh: `${id} 的配置已被改为第 ${now} 版，请基于最新版本重新修改`, en: `${id}'s config is now at version ${now}; edit the latest version` } });
    const from = current.configVersion;
    if (opts.expectVersion !== undefined && opts.expectVersion !== from) throw conflict(from);
    const version = from + 1;
    const when = at.toISOString();
    try {
      // Two changes crossing both try to insert version from+1: the primary key refuses the second batch whole.
      await this.db.batch([
        this.db.insert(tenantConfigVersions).values({ tenantId: id, version, config: JSON.stringify(config), changedBy: actor, changedAt: when, note: opts.note ?? null }),
        this.db.update(tenants).set({ configVersion: version, name: config.name, updatedAt: when }).where(and(eq(tenants.id, id), eq(tenants.configVersion, from))),
        this.#eventIfChanged(id, 'config_changed', actor, when, `v${from} → v${version}${opts.note ? `：${opts.note}` : ''}`),
      ]);
    } catch (e) {
      const now = await this.#require(id);
      if (now.configVersion !== from) throw conflict(now.configVersion);
      throw e;
    }
    return this.#current(id);
  }

  /** What `migrate` saw: the tenant database's schema version, so operators need not open it. */
  async recordSchemaVersion(id: string, schemaVersion: number, actor: string, at: Date): Promise<void> {
    const before = await this.#require(id);
    const when = at.toISOString();
    await this.db.batch([
      this.db.update(tenants).set({ schemaVersion, schemaCheckedAt: when }).where(and(eq(tenants.id, id), sql`${tenants.schemaVersion} is not ${schemaVersion}`)),
      this.#eventIfChanged(id, 'migrated', actor, when, `${before.schemaVersion ?? '?'} → ${schemaVersion}`),
      this.db.update(tenants).set({ schemaCheckedAt: when }).where(eq(tenants.id, id)),
    ]);
    this.invalidate();
  }

  /** Every config version (newest first, without the configs) and every operator action on a tenant. */
  async history(id: string) {
    await this.#require(id);
    const versions = await this.db
      .select({ version: tenantConfigVersions.version, changedBy: tenantConfigVersions.changedBy, changedAt: tenantConfigVersions.changedAt, note: tenantConfigVersions.note })
      .from(tenantConfigVersions)
      .where(eq(tenantConfigVersions.tenantId, id))
      .orderBy(desc(tenantConfigVersions.version));
    const events = await this.db
      .select({ action: tenantEvents.action, actor: tenantEvents.actor, at: tenantEvents.at, detail: tenantEvents.detail })
      .from(tenantEvents)
      .where(eq(tenantEvents.tenantId, id))
      .orderBy(desc(tenantEvents.id));
    return { versions, events };
  }

  /** One earlier version of a tenant's config. */
  async configVersion(id: string, version: number): Promise<TenantConfig | undefined> {
    const row = await this.db.query.tenantConfigVersions.findFirst({ where: and(eq(tenantConfigVersions.tenantId, id), eq(tenantConfigVersions.version, version)) });
    return row ? parseStored(id, version, row.config) : undefined;
  }
}

/** A database URL as operators may see it: any credentials in it hidden. */
export const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

/** 409 for an id that is already registered (create, from the CLI or the platform API). */
export const tenantExists = (id: string) => new AppError('CONFLICT', { detail: { zh: `妇联 ${id} 已登记，不能重复创建`, en: `Federation ${id} is already registered` } });

/** A config from a file or a request body, validated, as a 400 with one field error per problem. */
export function validConfig(raw: unknown, source: string): TenantConfig {
  try {
    return parseTenantConfig(raw, source);
  } catch (e) {
    if (!(e instanceof TenantConfigError)) throw e;
    throw new AppError('VALIDATION_FAILED', { detail: { zh: '租户配置不合格', en: 'The tenant config is invalid' }, fields: e.issues });
  }
}
