/**
 * The CLI's commands, one function each. They run from Node against the same
 * databases as the server (local files or LIBSQL_URL_<ID>).
 */
import * as v from 'valibot';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { hashPassword, randomPassword } from '../lib/password.ts';
import { Password } from '../routes/schemas.ts';
import type { buildNodeDeps } from '../node-runtime.ts';
import { findResource, importStatements, inFileTerms, parseRows, validateRows } from '../records/import.ts';
import { checkInstant, recordManualRun, runCheck } from '../jobs/checks.ts';
import { refreshCompliance } from '../rules/materialise.ts';
import { localDateTime } from '../lib/time.ts';
import { DateOrInstant, MAX_DATE, MIN_DATE } from '../lib/dates.ts';
import { resources } from '../records/resources.ts';
import { migrateTenants } from '../tenants/onboard.ts';
import { issuePath } from '../lib/valibot-zh.ts';
import { signToken } from '../lib/jwt.ts';
import { CreatePersonBody, createPerson } from '../routes/people.ts';
import { people } from '../../db/schema.ts';
import { errorCodes } from '../lib/errors.ts';
import { accessRoles, emailKinds } from '../domain/glossary.ts';
import type { TenantConfig } from '../tenants/schema.ts';

export class UsageError extends Error {}

export type Values = Partial<Record<'tenant' | 'email' | 'password' | 'access' | 'name' | 'duty' | 'org-unit' | 'ttl' | 'resource' | 'as-of' | 'as' | 'config' | 'database-url' | 'note', string>> & { 'dry-run'?: boolean; all?: boolean };

export interface CliContext extends ReturnType<typeof buildNodeDeps> {
  values: Values;
  positionals: string[];
  sub?: string;
  /** `tenant config set`: the word after `config`. */
  sub2?: string;
  out: (s: string) => void;
}

/** The registered tenant named by --tenant (any status: operators may act on a suspended one), or a usage error listing them. */
export async function tenantNamed(deps: CliContext['deps'], id: string | undefined): Promise<TenantConfig> {
  const known = async () => (await deps.tenants.list()).map((x) => x.id).join(', ');
  if (!id) throw new UsageError(`--tenant 必填（可选 ${await known()}）`);
  const t = await deps.tenants.get(id);
  if (!t) throw new UsageError(`未知租户 unknown tenant: ${id}（可选 ${await known()}）`);
  return t.config;
}

/** The person running the CLI, as registry history names her. */
export const cliActor = () => `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`;

/**
 * `migrate --all` (or without options) or `migrate --tenant ID`: the registry, then each tenant's
 * database brought up to this build's schema and its org tree; each one's schema version is printed
 * and recorded in the registry. Safe to re-run. Exit code 1 if any tenant could not be migrated.
 */
export async function migrate({ deps, values, out }: CliContext): Promise<number> {
  if (values.all && values.tenant) throw new UsageError('--all 与 --tenant 只能给一个');
  const reports = await migrateTenants(deps, cliActor(), values.tenant ? [values.tenant] : undefined);
  for (const r of reports) {
    if (r.error) {
      out(`[${r.id}] 迁移失败（${r.error}），其余租户照常进行；请检查其数据库位置后重试`);
      continue;
    }
    out(`[${r.id}] 结构版本 ${r.before} → ${r.after}（本次应用迁移 ${r.applied.length} 个），新增组织 ${r.addedOrgUnits} 个${r.status === 'suspended' ? '（已暂停）' : ''}`);
    if (r.bootstrapAdmin) out(`  初始管理员（只显示一次）: ${r.bootstrapAdmin.email} / ${r.bootstrapAdmin.password}`);
  }
  return reports.some((r) => r.error) ? 1 : 0;
}

/** `user add` or `user reset-password`. */
export async function user(ctx: CliContext): Promise<number> {
  if (ctx.sub === 'add') return userAdd(ctx);
  if (ctx.sub === 'reset-password') return resetPassword(ctx);
  throw new UsageError('用法：user add … 或 user reset-password --tenant T --email E [--password P]');
}

/**
 * Sets a new password for a person who forgot hers (the bootstrap admin
 * included): a random one printed once unless --password is given. She must
 * change it at her next login, and her old tokens end.
 */
async function resetPassword({ deps, values, out }: CliContext): Promise<number> {
  const tenant = await tenantNamed(deps, values.tenant);
  if (!values.email) throw new UsageError('--email 必填');
  if (values.password !== undefined && !v.is(Password, values.password)) throw new UsageError('--password 至少 8 位');
  const password = values.password ?? randomPassword();
  const db = deps.database(tenant);
  const [updated] = await db
    .update(people)
    .set({ passwordHash: await hashPassword(password), mustChangePassword: true, sessionVersion: sql`${people.sessionVersion} + 1`, updatedAt: deps.clock.now().toISOString() })
    .where(and(eq(people.email, values.email.trim().toLowerCase()), isNull(people.deletedAt)))
    .returning({ email: people.email });
  if (!updated) throw new UsageError(`[${tenant.id}] 没有用户 ${values.email}`);
  out(`[${tenant.id}] 已重置 ${updated.email} 的密码，登录后须修改。`);
  if (!values.password) out(`  新密码（只显示这一次）: ${password}`);
  return 0;
}

/** Creates a person who can log in. */
async function userAdd({ deps, values, out }: CliContext): Promise<number> {
  const tenant = await tenantNamed(deps, values.tenant);
  const parsed = v.safeParse(CreatePersonBody, {
    name: values.name ?? values.email,
    email: values.email,
    password: values.password,
    access: values.access,
    ...(values.duty && { duty: values.duty }),
    ...(values['org-unit'] && { orgUnitId: values['org-unit'] }),
  });
  if (!parsed.success) throw new UsageError(parsed.issues.map((i) => `--${issuePath(i) || '?'}: ${i.message}`).join('\n'));
  if (!parsed.output.email || !parsed.output.password) throw new UsageError('--email 和 --password 必填');
  const person = await createPerson(deps.database(tenant), parsed.output, deps.clock.now());
  out(`[${tenant.id}] 已创建用户 ${person.email}（${accessRoles[person.access]}），id ${person.id}`);
  return 0;
}

/** Prints a token for scripts. */
export async function token({ deps, values, out }: CliContext): Promise<number> {
  const tenant = await tenantNamed(deps, values.tenant);
  if (!values.email) throw new UsageError('--email 必填');
  const ttl = values.ttl ? Number(values.ttl) : undefined;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60)) throw new UsageError('--ttl 须为不小于 60 的整数秒');
  const person = await deps.database(tenant).query.people.findFirst({
    where: and(eq(people.email, values.email.trim().toLowerCase()), isNull(people.deletedAt)),
  });
  if (!person || !person.passwordHash) throw new UsageError(`[${tenant.id}] 没有可登录的用户 ${values.email}`);
  const { token } = await signToken(deps.config, { sub: person.id, tenant: tenant.id, access: person.access, ver: person.sessionVersion }, deps.clock.now(), ttl);
  out(token);
  return 0;
}

/** Runs the daily check now (a date means 08:00 Beijing time that day). */
export async function check({ deps, dbs, values, out }: CliContext): Promise<number> {
  const tenant = await tenantNamed(deps, values.tenant);
  const raw = values['as-of'];
  if (raw && !v.is(DateOrInstant, raw)) throw new UsageError(`--as-of 应为 ${MIN_DATE} 至 ${MAX_DATE} 之间的日期 YYYY-MM-DD 或带时区的 ISO 8601 时间`);
  const asOf = checkInstant(raw, tenant.timeZone, deps.clock.now());
  const db = deps.database(tenant);
  await dbs.prepare(tenant);
  const res = await runCheck(deps, tenant, db, { asOf, dryRun: values['dry-run'] });
  out(`[${tenant.id}] 检查截至 ${localDateTime(asOf, tenant.timeZone)}（北京时间），补查 ${res.since} 之后到期的事项：计划 ${res.planned} 封邮件（${res.basis === 'refresh' ? '依据当天已更新的存储考核结果' : '按检查时刻重新计算'}）`);
  // In a dry run `queued` means "already in the outbox"; in a real run, "queued by this run".
  const state = (queued: boolean) => (values['dry-run'] ? (queued ? '已在队' : '将入队') : queued ? '新入队' : '已在队');
  for (const e of res.emails) out(`  ${state(e.queued)}  ${emailKinds[e.kind as keyof typeof emailKinds] ?? e.kind}  ${e.to}  ${e.subject}`);
  if (values['dry-run']) out('  （演练：未入队、未发送）');
  else out(`  入队 ${res.enqueued}，已在队中 ${res.alreadyQueued}；发送 ${res.delivery?.sent ?? 0}，待重试 ${res.delivery?.retrying ?? 0}，失败 ${res.delivery?.failed ?? 0}${res.delivery?.waiting ? `；未配置 SMTP，${res.delivery.waiting} 封在发件箱等待` : ''}`);
  if (!values['dry-run']) await recordManualRun(db, asOf, deps.clock.now(), 'manual (cli)');
  return 0;
}

/** Evaluates every rule again and replaces one tenant's (or every active tenant's) materialised results. */
export async function compliance({ deps, dbs, values, sub, out }: CliContext): Promise<number> {
  if (sub !== 'refresh') throw new UsageError('用法：compliance refresh --tenant T | --all');
  const tenants = values.all ? await deps.tenants.active() : [await tenantNamed(deps, values.tenant)];
  for (const tenant of tenants) {
    await dbs.prepare(tenant);
    const started = performance.now();
    const res = await refreshCompliance(deps.database(tenant), tenant, deps.clock.now(), { full: true });
    out(`[${tenant.id}] 已重新计算 ${res.day}（北京时间）的考核结果：${res.rules} 条规则，${res.rows} 条结果，用时 ${Math.round(performance.now() - started)} 毫秒`);
  }
  return 0;
}

/** Imports a CSV or NDJSON file: every row or none, with progress. */
export async function importFile({ deps, values, positionals, out }: CliContext): Promise<number> {
  const tenant = await tenantNamed(deps, values.tenant);
  const file = positionals[0];
  if (!file) throw new UsageError('请给出要导入的文件');
  const stem = basename(file).replace(/\.(csv|ndjson|jsonl)$/i, '');
  const def = findResource(values.resource ?? stem);
  if (!def) throw new UsageError(`请用 --resource 指定记录类型（${resources.map((r) => r.path).join(', ')}）`);
  const format = /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv';
  const db = deps.database(tenant);
  const actor = await db.query.people.findFirst({
    where: values.as ? and(eq(people.email, values.as.toLowerCase()), isNull(people.deletedAt)) : and(eq(people.access, 'admin'), isNull(people.deletedAt)),
    orderBy: asc(people.createdAt),
  });
  if (!actor) throw new UsageError(values.as ? `[${tenant.id}] 没有用户 ${values.as}` : `[${tenant.id}] 没有管理员`);
  const user = { id: actor.id, name: actor.name, access: actor.access, duty: actor.duty, orgUnitId: actor.orgUnitId };
  const bytes = readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${file}: ${errorCodes.INVALID_ENCODING.zh}`);
  }
  const parsed = parseRows(def, format, text);
  out(`[${tenant.id}] ${def.label}（${def.path}）：读取 ${parsed.rows.length} 行，以 ${actor.email ?? actor.name} 身份导入`);
  const { prepared, errors } = await validateRows(db, user, tenant, def, parsed.rows, (done, total) => out(`  已校验 ${done}/${total} 行`));
  const bad = inFileTerms([...parsed.errors, ...errors], parsed.written).sort((a, b) => a.line - b.line);
  if (bad.length) {
    for (const e of bad.slice(0, 50)) out(`  第 ${e.line} 行 ${e.path}: ${e.message}`);
    if (bad.length > 50) out(`  ……另有 ${bad.length - 50} 处错误`);
    throw new UsageError(`有 ${new Set(bad.map((e) => e.line)).size} 行不合格，未导入任何记录`);
  }
  out('  写入中……');
  const { items, ids } = importStatements({ db, actorId: actor.id, requestId: null, now: deps.clock.now() }, user, def, prepared);
  await db.batch(items as [never, ...never[]]);
  out(`[${tenant.id}] 已导入 ${ids.length} 条${def.label}记录`);
  return 0;
}
