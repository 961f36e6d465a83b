import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenantRegistry } from './registry.ts';

/** Node: every `*.json` in the tenants folder is one federation. */
export function loadTenantsFromDir(dir: string): TenantRegistry {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (!files.length) throw new Error(`租户目录 ${dir} 中没有任何 *.json 配置`);
  return TenantRegistry.fromRaw(
    files.map((f) => {
      const file = join(dir, f);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`租户配置 ${file} 不是合法的 JSON: ${(e as Error).message}`);
      }
      return { file, raw };
    }),
  );
}
