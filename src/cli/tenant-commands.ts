/**
 * `grassroots tenant …`: the platform operator's commands on the registry. They reach the registry
 * at REGISTRY_URL (or DATA_DIR/registry.db) and change no code: a federation joins, pauses or gets a
 * new rule configuration with one command, and the running servers pick it up (see registry.ts).
 */
import { loadTenantFile } from '../tenants/load-dir.ts';
import { createTenant, previewConfig } from '../tenants/onboard.ts';
import { tenantStatuses } from '../../db/registry-schema.ts';
import { availableMigrations } from '../db/migrate.ts';
import { localDateTime } from '../lib/time.ts';
import { AppError } from '../lib/errors.ts';
import { UsageError, cliActor, tenantNamed, type CliContext } from './commands.ts';
import { redactUrl as redact } from '../tenants/registry.ts';
import { REMOTE_DATABASE_URL, REMOTE_DATABASE_URL_HINT } from '../env.ts';

const configFile = (ctx: CliContext) => {
  if (!ctx.values.config) throw new UsageError('--config 必填：租户配置文件（格式同 tenants/<id>.json）');
  try {
    return loadTenantFile(ctx.values.config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

const shanghai = (iso: string | null) => (iso ? localDateTime(new Date(iso), 'Asia/Shanghai') : '—');

/** Every registered tenant from the registry alone (no tenant database is opened): status, config version, schema version. */
export async function list({ deps, settings, out }: CliContext): Promise<number> {
  const latest = availableMigrations().length;
  out(['id', '名称', '状态', '配置版本', '数据库结构', '数据库位置'].join('\t'));
  for (const t of await deps.tenants.list()) {
    const schema = t.schemaVersion === null ? '未知' : t.schemaVersion === latest ? `已是最新 (${t.schemaVersion}/${latest})` : `待迁移 ${latest - t.schemaVersion} 个 (${t.schemaVersion}/${latest})`;
    const where = t.databaseUrl ? redact(t.databaseUrl) : `file:${settings.dataDir}/${t.id}.db`;
    out([t.id, t.name, tenantStatuses[t.status], `v${t.configVersion}`, `${schema}，查于 ${shanghai(t.schemaCheckedAt)}`, where].join('\t'));
  }
  return 0;
}

async function create(ctx: CliContext): Promise<number> {
  const config = configFile(ctx);
  const databaseUrl = ctx.values['database-url'];
  if (databaseUrl !== undefined && !REMOTE_DATABASE_URL.test(databaseUrl)) throw new UsageError(`--database-url ${REMOTE_DATABASE_URL_HINT}`);
  ctx.out(`[${config.id}] ${config.name}：创建数据库（${databaseUrl ? redact(databaseUrl) : ctx.deps.provisioner!.describe}）、执行迁移、建立组织树……`);
  const { tenant, bootstrapAdmin } = await createTenant(ctx.deps, { config, databaseUrl }, cliActor());
  ctx.out(`[${tenant.id}] 已登记，配置第 ${tenant.configVersion} 版，数据库结构 ${tenant.schemaVersion}/${availableMigrations().length}；正在运行的服务随即可用。`);
  if (bootstrapAdmin) ctx.out(`  初始管理员（只显示一次，登录后须修改密码）: ${bootstrapAdmin.email} / ${bootstrapAdmin.password}`);
  return 0;
}

async function setStatus(ctx: CliContext, status: 'active' | 'suspended'): Promise<number> {
  const tenant = await tenantNamed(ctx.deps, ctx.values.tenant);
  const changed = await ctx.deps.tenants.setStatus(tenant.id, status, cliActor(), ctx.deps.clock.now());
  ctx.out(changed ? `[${tenant.id}] ${status === 'suspended' ? '已暂停：接口与工作台不再服务，定时检查跳过它；数据保留' : '已恢复服务'}（运行中的服务最多 15 秒内生效）` : `[${tenant.id}] 本来就是“${tenantStatuses[status]}”，未改动`);
  return 0;
}

/** `tenant config set`: validates, shows what would change today, and (without --dry-run) puts it in force as the next version. */
async function configSet(ctx: CliContext): Promise<number> {
  const id = ctx.values.tenant;
  const proposed = configFile(ctx);
  // A stored config this build no longer accepts (MISCONFIGURED) can still be replaced, without a preview.
  const current = await tenantNamed(ctx.deps, id).catch((e) => {
    if (e instanceof AppError && e.code === 'MISCONFIGURED') return undefined;
    throw e;
  });
  if (proposed.id !== id) throw new UsageError(`${ctx.values.config} 的 id 是 ${proposed.id}，不是 ${id}`);
  if (current) {
    const p = await previewConfig(ctx.deps, current, proposed);
    ctx.out(`[${id}] 截至 ${shanghai(p.asOf)}：考核结果 ${p.before} 条 → ${p.after} 条；状态改变 ${p.statusChanged} 条，新增 ${p.added} 条，不再考核 ${p.removed} 条`);
    for (const [rule, n] of Object.entries(p.byRule)) ctx.out(`  ${rule}\t状态改变 ${n.statusChanged}\t新增 ${n.added}\t不再考核 ${n.removed}`);
  } else ctx.out(`[${id}] 正在使用的配置未通过校验（服务对该妇联答 503），无法预览影响；将直接替换它`);
  if (ctx.values['dry-run']) {
    ctx.out('  （演练：配置未改动）');
    return 0;
  }
  const after = await ctx.deps.tenants.setConfig(id!, proposed, cliActor(), ctx.deps.clock.now(), { note: ctx.values.note });
  ctx.out(`[${id}] 已启用配置第 ${after.configVersion} 版（此前各版保留，可用 tenant history 查看）`);
  return 0;
}

async function history(ctx: CliContext): Promise<number> {
  const tenant = await tenantNamed(ctx.deps, ctx.values.tenant);
  const { versions, events } = await ctx.deps.tenants.history(tenant.id);
  ctx.out(`[${tenant.id}] 配置版本：`);
  for (const v of versions) ctx.out(`  v${v.version}\t${shanghai(v.changedAt)}\t${v.changedBy}${v.note ? `\t${v.note}` : ''}`);
  ctx.out('操作记录：');
  const actions = { created: '创建', suspended: '暂停', resumed: '恢复', config_changed: '修改配置', migrated: '迁移' };
  for (const e of events) ctx.out(`  ${shanghai(e.at)}\t${actions[e.action]}\t${e.actor}${e.detail ? `\t${e.detail}` : ''}`);
  return 0;
}

export async function tenant(ctx: CliContext): Promise<number> {
  switch (ctx.sub) {
    case 'list':
      return list(ctx);
    case 'create':
      return create(ctx);
    case 'suspend':
      return setStatus(ctx, 'suspended');
    case 'resume':
      return setStatus(ctx, 'active');
    case 'history':
      return history(ctx);
    case 'config':
      if (ctx.sub2 === 'set') return configSet(ctx);
  }
  throw new UsageError('用法：tenant list | create --config F | suspend --tenant T | resume --tenant T | config set --tenant T --config F [--dry-run] | history --tenant T');
}
