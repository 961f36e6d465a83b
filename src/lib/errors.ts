/**
 * The one error type. Every failure a client can see is an AppError with a
 * stable code; the message comes from the table below, in zh-CN by default.
 */
export type Lang = 'zh-CN' | 'en';

export const errorCodes = {
  VALIDATION_FAILED: { status: 400, zh: '请求参数不合法', en: 'The request is invalid' },
  INVALID_ENCODING: { status: 400, zh: '请求体不是有效的 UTF-8 编码。CSV 文件请在 Excel 中“另存为”并选择“CSV UTF-8（逗号分隔）”后再上传', en: 'The request body is not valid UTF-8; save CSV files as "CSV UTF-8"' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, zh: '未登录或登录凭证缺失', en: 'Authentication is required' },
  TOKEN_INVALID: { status: 401, zh: '登录凭证无效或已过期，请重新登录', en: 'The token is invalid or has expired' },
  INVALID_CREDENTIALS: { status: 401, zh: '邮箱或密码不正确', en: 'Wrong email or password' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'You are not allowed to do this' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '首次登录或密码被重置后须先修改密码（POST /auth/password）', en: 'Change your password first (POST /auth/password)' },
  TENANT_MISMATCH: { status: 403, zh: '登录凭证不属于该妇联', en: 'The token belongs to another federation' },
  TENANT_SUSPENDED: { status: 403, zh: '该妇联的服务已暂停，请联系平台运维人员', en: "This federation's service is suspended; contact the platform operators" },
  TENANT_NOT_FOUND: { status: 404, zh: '未找到该妇联', en: 'No such federation' },
  NOT_FOUND: { status: 404, zh: '未找到该记录', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '该接口不支持此请求方法（可用方法见 Allow 响应头）', en: 'This endpoint does not support that method (see the Allow header)' },
  CONFLICT: { status: 409, zh: '与现有数据冲突', en: 'Conflicts with existing data' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, zh: '使用同一 Idempotency-Key 的请求仍在处理中，请稍后重试', en: 'A request with this Idempotency-Key is still being processed; retry later' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  TOO_MANY_ATTEMPTS: { status: 429, zh: '尝试次数过多，请 1 分钟后再试', en: 'Too many attempts; try again in a minute' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '请求体须为 JSON（Content-Type: application/json）', en: 'The body must be JSON (Content-Type: application/json)' },
  INTERNAL: { status: 500, zh: '服务器内部错误，请稍后再试', en: 'Internal server error' },
  DATABASE_BUSY: { status: 503, zh: '数据库忙（另一个程序正在写入），请稍后重试', en: 'The database is busy (another process is writing); try again shortly' },
  MISCONFIGURED: { status: 503, zh: '服务配置不完整，请联系运维人员', en: 'The service is not fully configured; contact its operators' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '数据库暂时不可用，请稍后再试', en: 'The database is unavailable; try again later' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: FieldError[];
  /** A more specific human message (already localised by the thrower), if any. */
  readonly detail?: { zh: string; en: string };

  constructor(code: ErrorCode, options: { fields?: FieldError[]; detail?: { zh: string; en: string }; cause?: unknown } = {}) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.fields = options.fields;
    this.detail = options.detail;
  }
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: FieldError[];
    requestId: string;
  };
}

export function errorBody(err: AppError, lang: Lang, requestId: string): ErrorBody {
  const base = errorCodes[err.code];
  const message = err.detail ? (lang === 'en' ? err.detail.en : err.detail.zh) : lang === 'en' ? base.en : base.zh;
  return { error: { code: err.code, message, ...(err.fields?.length ? { fields: err.fields } : {}), requestId } };
}

/**
 * What an unexpected error is, for logs and the CLI: its names and codes, never
 * its message (driver messages carry SQL parameters, which can be personal data).
 */
export function errorKind(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { name?: string; code?: string } };
  return [e?.name, e?.code, e?.cause?.name, e?.cause?.code].filter(Boolean).join('/') || typeof err;
}

export const notFound = () => new AppError('NOT_FOUND');
export const forbidden = () => new AppError('FORBIDDEN');
export const conflict = (zh: string, en: string) => new AppError('CONFLICT', { detail: { zh, en } });
