/**
 * `npx grassroots <command>`: operations for IT staff. Reads the same
 * environment as the server (DATA_DIR, TENANTS_DIR, JWT_SECRET, REGISTRY_URL,
 * REGISTRY_AUTH_TOKEN, LIBSQL_GROUP_AUTH_TOKEN, TURSO_*, LIBSQL_URL_<ID>…).
 */
import { parseArgs } from 'node:util';
import { buildNodeDeps } from '../node-runtime.ts';
import { installZhMessages } from '../lib/valibot-zh.ts';
import { AppError, errorCodes, errorKind } from '../lib/errors.ts';
import { silentLogger } from '../lib/logger.ts';
import { isBusyError } from '../db/errors.ts';
import { UsageError, check, compliance, importFile, migrate, token, user, type CliContext } from './commands.ts';
import { list, tenant } from './tenant-commands.ts';

const USAGE = `用法 usage: npx grassroots <命令> [选项]

  migrate [--all | --tenant ID]
                               为登记的全部（或一个）租户数据库执行迁移并补齐组织树，
                               打印并在登记库中记录各自的结构版本；可重复运行
  tenant list                  列出登记的租户：状态、配置版本、结构版本、数据库位置（不打开租户数据库）
  tenant create --config FILE [--database-url URL]
                               接入新的妇联：创建数据库（本地文件，或设置 TURSO_* 后在 Turso 上）、
                               迁移、建立组织树、登记，并只显示一次初始管理员密码
  tenant suspend|resume --tenant T
                               暂停 / 恢复某妇联的服务（数据保留）
  tenant config set --tenant T --config FILE [--dry-run] [--note 说明]
                               校验并启用新的考核配置（新版本，旧版本保留）；--dry-run 只显示
                               会有多少条考核结果改变状态
  tenant history --tenant T    配置版本和操作记录
  user add --tenant T --email E --password P --access admin|supervisor|member
           [--name N] [--duty leader|office_cadre|committee_member|grassroots_cadre] [--org-unit ID]
                               新建可登录的用户
  user reset-password --tenant T --email E [--password P]
                               重置忘记的密码（不给 --password 时随机生成并只显示一次）；
                               登录后须修改，原有登录凭证全部失效
  token --tenant T --email E [--ttl 秒]
                               为脚本签发访问令牌（打印到标准输出）
  check --tenant T [--as-of DATE] [--dry-run]
                               立即运行考核检查：入队并发送邮件（--dry-run 只列出）
  compliance refresh --tenant T | --all
                               重新计算全部考核结果（平时随每次登记和每日检查自动更新；
                               用于核对或修复）
  import --tenant T [--resource field-trips] [--as EMAIL] FILE.csv|FILE.ndjson
                               批量导入记录（全部成功或全部不写入；默认以最早的管理员身份）
`;

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  installZhMessages();
  const [command, sub, sub2] = argv;
  const words = command === 'tenant' && sub === 'config' ? 3 : command === 'user' || command === 'tenant' || command === 'compliance' ? 2 : 1;
  const { values, positionals } = parseArgs({
    args: argv.slice(words),
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      access: { type: 'string' },
      name: { type: 'string' },
      duty: { type: 'string' },
      'org-unit': { type: 'string' },
      ttl: { type: 'string' },
      resource: { type: 'string' },
      'as-of': { type: 'string' },
      'dry-run': { type: 'boolean' },
      as: { type: 'string' },
      all: { type: 'boolean' },
      config: { type: 'string' },
      'database-url': { type: 'string' },
      note: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: command === 'import',
  });
  if (!command || values.help) {
    out(USAGE);
    return command ? 0 : 2;
  }
  const handlers: Record<string, (ctx: CliContext) => Promise<number>> = { migrate, tenant, tenants: list, user, token, check, compliance, import: importFile };
  const handler = handlers[command];
  if (!handler) throw new UsageError(`未知命令 unknown command: ${command}\n\n${USAGE}`);
  const runtime = buildNodeDeps(process.env, silentLogger);
  try {
    // The embedded default registers the founding federations of TENANTS_DIR on first use, whichever command comes first.
    const { added } = await runtime.prepareRegistry();
    for (const { tenant, bootstrapAdmin } of added) {
      out(`[${tenant.id}] 已登记 ${tenant.name}（来自租户目录）`);
      if (bootstrapAdmin) out(`  初始管理员（只显示一次）: ${bootstrapAdmin.email} / ${bootstrapAdmin.password}`);
    }
    return await handler({ ...runtime, values, positionals, sub, sub2, out });
  } finally {
    runtime.close();
  }
}

/**
 * What to print for an unexpected failure: its kind and what to do, never its
 * message. Driver messages carry the SQL and its parameters: emails, password
 * hashes, names, email bodies.
 */
export function describeFailure(e: unknown): string {
  if (isBusyError(e)) return `错误 DATABASE_BUSY: 数据库忙，另一个程序一直占用着写锁，未写入任何内容。请稍后重试（可用 DB_BUSY_WAIT_MS 延长等待，当前 ${process.env.DB_BUSY_WAIT_MS ?? 5000} 毫秒）。`;
  return `错误 ${errorKind(e)}: 命令未完成。请检查数据库文件和配置后重试；如反复出现，请把这行错误类型报告给维护人员。`;
}

/** Runs the CLI on process.argv and exits with its code. */
export function run() {
  return main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof AppError) console.error(`错误 ${e.code}: ${e.detail?.zh ?? errorCodes[e.code].zh}${e.fields ? '\n' + e.fields.map((f) => `  ${f.path}: ${f.message}`).join('\n') : ''}`);
      else if (e instanceof UsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) console.error((e as Error).message);
      else console.error(describeFailure(e));
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

if (import.meta.main) void run();
