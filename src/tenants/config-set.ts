import { parseTenantConfig, type TenantConfig } from './schema.ts';

/** A set of tenant configs read from files (tenants/*.json): the source the registry is seeded and updated from. */
export class TenantConfigSet {
  readonly #byId = new Map<string, TenantConfig>();

  constructor(configs: TenantConfig[]) {
    for (const c of configs) {
      if (this.#byId.has(c.id)) throw new Error(`租户 id 重复: ${c.id}`);
      this.#byId.set(c.id, c);
    }
  }

  /** Builds a registry from raw `{ file: json }` pairs, naming the file in any error. */
  static fromRaw(entries: { file: string; raw: unknown }[]): TenantConfigSet {
    const configs = entries.map(({ file, raw }) => {
      const config = parseTenantConfig(raw, file);
      const base = file.split('/').pop()!.replace(/\.json$/, '');
      if (base !== config.id) throw new Error(`租户配置 ${file}: 文件名须与 id 相同（应为 ${config.id}.json）`);
      return config;
    });
    return new TenantConfigSet(configs);
  }

  get(id: string): TenantConfig | undefined {
    return this.#byId.get(id);
  }

  list(): TenantConfig[] {
    return [...this.#byId.values()];
  }
}
