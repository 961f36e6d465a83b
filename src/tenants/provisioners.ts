/**
 * Where a new federation's database comes from. On Node by default: a local libSQL file under
 * DATA_DIR (created when first opened). With TURSO_API_TOKEN, TURSO_ORG and TURSO_GROUP (Node or
 * Workers): a database in that Turso group, created through Turso's Platform API client and reached
 * afterwards with the group's one token (LIBSQL_GROUP_AUTH_TOKEN), so a tenant needs no secret of its own.
 */
import { createClient as tursoPlatformClient } from '@tursodatabase/api';
import { AppError } from '../lib/errors.ts';
import { nonEmpty } from '../env.ts';

export interface DatabaseProvisioner {
  /** Shown to operators: where databases are created. */
  readonly describe: string;
  /** Creates (or finds, if an earlier attempt created it) the tenant's database; null: the runtime's default location. */
  create(tenantId: string): Promise<{ url: string | null }>;
}

export const localFileProvisioner = (dataDir: string): DatabaseProvisioner => ({
  describe: `本地文件 ${dataDir}/<id>.db`,
  create: async () => ({ url: null }),
});

export interface TursoSettings {
  apiToken: string;
  org: string;
  group: string;
  /** The Platform API's address; tests point it at a local stand-in. */
  apiUrl?: string;
}

/** TURSO_API_TOKEN, TURSO_ORG, TURSO_GROUP (and TURSO_API_URL): all three or none. */
export function tursoSettings(vars: Record<string, unknown>): TursoSettings | undefined {
  const [apiToken, org, group] = [nonEmpty(vars.TURSO_API_TOKEN), nonEmpty(vars.TURSO_ORG), nonEmpty(vars.TURSO_GROUP)];
  if (!apiToken && !org && !group) return undefined;
  if (!apiToken || !org || !group) throw new AppError('MISCONFIGURED', { detail: { zh: '须同时设置 TURSO_API_TOKEN、TURSO_ORG 和 TURSO_GROUP 才能在 Turso 上创建数据库', en: 'Set TURSO_API_TOKEN, TURSO_ORG and TURSO_GROUP together to create databases on Turso' } });
  return { apiToken, org, group, apiUrl: nonEmpty(vars.TURSO_API_URL) };
}

/** The database's name on Turso: grassroots-<tenant id> (Turso allows lowercase letters, digits and dashes). */
export const tursoDatabaseName = (tenantId: string) => `grassroots-${tenantId}`;

export function tursoProvisioner(s: TursoSettings): DatabaseProvisioner {
  const turso = tursoPlatformClient({ org: s.org, token: s.apiToken, ...(s.apiUrl && { baseUrl: s.apiUrl.replace(/\/?$/, '/') }) });
  // libsql:// (TLS) on Turso; plain http only when the Platform API itself is plain http on loopback (a local stand-in).
  const scheme = s.apiUrl && /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(s.apiUrl) ? 'http' : 'libsql';
  return {
    describe: `Turso 组织 ${s.org} 的分组 ${s.group}`,
    async create(tenantId) {
      const name = tursoDatabaseName(tenantId);
      try {
        const db = await turso.databases.create(name, { group: s.group });
        return { url: `${scheme}://${db.hostname}` };
      } catch (e) {
        // 409: an earlier attempt created it and stopped before registering: carry on with that database.
        if ((e as { status?: number }).status === 409) return { url: `${scheme}://${(await turso.databases.get(name)).hostname}` };
        throw new AppError('SERVICE_UNAVAILABLE', { cause: e, detail: { zh: `在 Turso 创建数据库 ${name} 失败（状态 ${(e as { status?: number }).status ?? '无响应'}），未登记该妇联，可重试`, en: `Creating the Turso database ${name} failed (status ${(e as { status?: number }).status ?? 'none'}); the federation was not registered; retry` } });
      }
    },
  };
}
