import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenantConfigSet } from './config-set.ts';
import { parseTenantConfig, type TenantConfig } from './schema.ts';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`无法读取租户配置 ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`租户配置 ${file} 不是合法的 JSON: ${(e as Error).message}`);
  }
}

/** Node: every `*.json` in the tenants folder is one federation. */
export function loadTenantsFromDir(dir: string): TenantConfigSet {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (!files.length) throw new Error(`租户目录 ${dir} 中没有任何 *.json 配置`);
  return TenantConfigSet.fromRaw(files.map((f) => ({ file: join(dir, f), raw: readJson(join(dir, f)) })));
}

/** One config file (`tenant create --config`, `tenant config set --config`), validated; errors name the file and the field. */
export function loadTenantFile(file: string): TenantConfig {
  return parseTenantConfig(readJson(file), file);
}
