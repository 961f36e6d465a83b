/**
 * The platform operator's API (/v1/platform/…): federations joined, paused, reconfigured and
 * migrated without a redeploy. It answers only to PLATFORM_TOKEN (a bearer secret of the operators,
 * not any tenant's login): a tenant admin's token is refused here, and this token opens no tenant.
 * The CLI's `grassroots tenant …` does the same from Node (src/tenants/onboard.ts is shared).
 */
import { Hono } from '../lib/hono.ts';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import { REMOTE_DATABASE_URL, REMOTE_DATABASE_URL_HINT, type AppDeps, type AppEnv } from '../env.ts';
import { AppError } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc } from '../lib/openapi.ts';
import { redactUrl, validConfig, type RegisteredTenant } from '../tenants/registry.ts';
import { createTenant, migrateTenants, previewConfig } from '../tenants/onboard.ts';
import { tenantStatuses } from '../../db/registry-schema.ts';

const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));

/** Bearer PLATFORM_TOKEN, compared by digest in constant time. */
const platformAuth = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const expected = deps.config.platformToken;
    if (!expected) throw new AppError('UNAUTHENTICATED', { detail: { zh: '平台接口未启用：服务未设置 PLATFORM_TOKEN', en: 'The platform API is disabled: PLATFORM_TOKEN is not set' } });
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!given) throw new AppError('UNAUTHENTICATED', { detail: { zh: '缺少平台运维令牌（Authorization: Bearer <PLATFORM_TOKEN>）', en: 'The platform token is missing' } });
    const [a, b] = [await digest(given), await digest(expected)];
    if (a.reduce((diff, x, i) => diff | (x ^ b[i]), 0) !== 0) throw new AppError('TOKEN_INVALID', { detail: { zh: '平台运维令牌不正确', en: 'The platform token is wrong' } });
    await next();
  });

const actor = 'platform-api';

const TenantView = v.object({
  id: v.string(),
  name: v.string(),
  status: v.pipe(v.picklist(['active', 'suspended']), v.description('active 服务中；suspended 已暂停（接口与工作台答 403 TENANT_SUSPENDED，定时检查跳过）')),
  statusLabel: v.string(),
  configVersion: v.number(),
  schemaVersion: v.pipe(v.nullable(v.number()), v.description('租户数据库已应用的迁移数（迁移时记录，无需打开租户数据库）')),
  schemaCheckedAt: v.nullable(v.string()),
  databaseUrl: v.pipe(v.nullable(v.string()), v.description('数据库地址（隐去凭据）；null 为默认位置（Node 上的本地文件）')),
});
const view = (t: RegisteredTenant): v.InferOutput<typeof TenantView> => ({
  id: t.id,
  name: t.name,
  status: t.status,
  statusLabel: tenantStatuses[t.status],
  configVersion: t.configVersion,
  schemaVersion: t.schemaVersion,
  schemaCheckedAt: t.schemaCheckedAt,
  databaseUrl: t.databaseUrl && redactUrl(t.databaseUrl),
});

const ConfigObject = v.pipe(v.record(v.string(), v.unknown()), v.description('租户配置（格式同 tenants/<id>.json），完整校验后保存'));
const CreateBody = v.strictObject({
  config: ConfigObject,
  databaseUrl: v.optional(v.pipe(v.string(), v.regex(REMOTE_DATABASE_URL, REMOTE_DATABASE_URL_HINT), v.description('已有数据库的地址；不给时由服务创建（Turso：TURSO_API_TOKEN/TURSO_ORG/TURSO_GROUP；Node：本地文件）'))),
});
const Created = v.object({ tenant: TenantView, bootstrapAdmin: v.optional(v.pipe(v.object({ email: v.string(), password: v.string() }), v.description('初始管理员，只在此返回一次；首次登录须改密码'))) });
const ConfigBody = v.strictObject({
  config: ConfigObject,
  note: v.optional(v.pipe(v.string(), v.maxLength(500), v.description('修改说明，记入版本历史'))),
  expectVersion: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.description('修改所依据的版本号；期间他人已改则答 409'))),
});
const ConfigQuery = v.strictObject({ dryRun: v.optional(v.pipe(v.picklist(['true', 'false']), v.transform((s) => s === 'true'), v.description('true：只计算影响，不启用'))) });
const Preview = v.object({
  asOf: v.string(),
  before: v.number(),
  after: v.number(),
  statusChanged: v.pipe(v.number(), v.description('今天的考核结果中将改变状态的条数')),
  added: v.number(),
  removed: v.number(),
  byRule: v.record(v.string(), v.object({ statusChanged: v.number(), added: v.number(), removed: v.number() })),
});
const ConfigResult = v.object({ dryRun: v.boolean(), preview: Preview, tenant: TenantView });
const History = v.object({
  versions: v.array(v.object({ version: v.number(), changedBy: v.string(), changedAt: v.string(), note: v.nullable(v.string()) })),
  events: v.array(v.object({ action: v.string(), actor: v.string(), at: v.string(), detail: v.nullable(v.string()) })),
});
const MigrateResult = v.object({
  items: v.array(v.object({ id: v.string(), status: v.string(), before: v.optional(v.number()), after: v.optional(v.number()), applied: v.array(v.string()), error: v.optional(v.string()) })),
});
const IdParam = v.object({ id: v.pipe(v.string(), v.maxLength(64)) });

const tag = '平台运维';
const registered = async (deps: AppDeps, id: string) => {
  const t = await deps.tenants.get(id);
  if (!t) throw new AppError('TENANT_NOT_FOUND');
  return t;
};

export const platformRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .use(platformAuth(deps))
    .get('/tenants', doc({ tag, summary: '登记的全部妇联（含已暂停）', auth: 'platform', ok: { schema: v.object({ items: v.array(TenantView) }) } }), async (c) =>
      c.json({ items: (await deps.tenants.list()).map(view) }),
    )
    .post(
      '/tenants',
      doc({ tag, summary: '接入新的妇联：创建数据库、迁移、建组织树、登记，返回一次初始管理员', auth: 'platform', ok: { status: 201, schema: Created } }),
      validate('json', CreateBody),
      async (c) => {
        const body = c.req.valid('json');
        const config = validConfig(body.config, 'config');
        const created = await createTenant(deps, { config, databaseUrl: body.databaseUrl }, actor);
        return c.json({ tenant: view(created.tenant), ...(created.bootstrapAdmin && { bootstrapAdmin: created.bootstrapAdmin }) }, 201);
      },
    )
    .post('/tenants/:id/suspend', doc({ tag, summary: '暂停某妇联的服务（数据保留）', auth: 'platform', ok: { schema: TenantView } }), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      await registered(deps, id);
      await deps.tenants.setStatus(id, 'suspended', actor, deps.clock.now());
      return c.json(view(await registered(deps, id)));
    })
    .post('/tenants/:id/resume', doc({ tag, summary: '恢复某妇联的服务', auth: 'platform', ok: { schema: TenantView } }), validate('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      await registered(deps, id);
      await deps.tenants.setStatus(id, 'active', actor, deps.clock.now());
      return c.json(view(await registered(deps, id)));
    })
    .put(
      '/tenants/:id/config',
      doc({ tag, summary: '校验并启用新的考核配置（新版本，旧版本保留）；dryRun=true 只返回影响', auth: 'platform', ok: { schema: ConfigResult } }),
      validate('param', IdParam),
      validate('query', ConfigQuery),
      validate('json', ConfigBody),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const dryRun = c.req.valid('query').dryRun ?? false;
        const current = await registered(deps, id);
        const proposed = validConfig(body.config, 'config');
        if (proposed.id !== id) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'config.id', message: `须为 ${id}` }] });
        if (body.expectVersion !== undefined && body.expectVersion !== current.configVersion) throw new AppError('CONFLICT', { detail: { zh: `配置已是第 ${current.configVersion} 版，请基于最新版本修改`, en: `The config is at version ${current.configVersion}` } });
        const preview = await previewConfig(deps, current.config, proposed);
        const after = dryRun ? current : await deps.tenants.setConfig(id, proposed, actor, deps.clock.now(), { note: body.note, expectVersion: current.configVersion });
        return c.json({ dryRun, preview, tenant: view(after) });
      },
    )
    .get('/tenants/:id/history', doc({ tag, summary: '配置版本与操作记录', auth: 'platform', ok: { schema: History } }), validate('param', IdParam), async (c) =>
      c.json(await deps.tenants.history((await registered(deps, c.req.valid('param').id)).id)),
    )
    .post('/migrate', doc({ tag, summary: '为全部登记的妇联执行数据库迁移（可重复执行），返回各自的结构版本', auth: 'platform', ok: { schema: MigrateResult } }), async (c) =>
      c.json({ items: (await migrateTenants(deps, actor)).map(({ id, status, before, after, applied, error }) => ({ id, status, before, after, applied, error })) }),
    );
