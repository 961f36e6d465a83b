/**
 * The generated OpenAPI document, made valid, compact and described: what
 * hono-openapi leaves out or repeats is put right here, in one pass, so the
 * routes keep one-line `doc()` calls.
 *
 * - schemas a lazy (recursive) valibot schema put under `$defs` are moved to
 *   `components.schemas` under a real name, and their references follow;
 * - every error response is a `$ref` to one shared response, and 401, 409,
 *   413, 415, 429 and 503 are listed where they can happen;
 * - every authenticated POST takes the `Idempotency-Key` header;
 * - parameters and body fields without a description get one from the
 *   glossary below. `servers` is set where the document is served (src/app.ts),
 *   since the document is built once for every deployment.
 */
import { accessRoles, dutyRoles, orgLevels, orgTypes } from '../domain/glossary.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const list = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join('、');

/** What a parameter or body field of this name means, where its route did not say. */
const DESCRIPTIONS: Record<string, string> = {
  tenant: '妇联 id，例如 lixia、binzhou、harbin',
  id: '记录、人员或组织的 id',
  limit: '每页条数',
  cursor: '上一页返回的 nextCursor，原样传回',
  format: 'json（默认）或 csv（导出全部匹配的行，UTF-8 带 BOM，中文表头）',
  headers: 'CSV 表头：zh 中文标签（默认）或 en 字段名',
  asOf: '按此时刻计算：ISO 8601 时间（带时区）或日期 YYYY-MM-DD',
  from: '起始日期 YYYY-MM-DD（含）',
  to: '结束日期 YYYY-MM-DD（含）',
  rule: '规则 id，例如 B3',
  status: `状态，逗号分隔：met、on_track、at_risk、missed、late、not_applicable`,
  person: '人员 id',
  orgUnit: '组织 id（含其下级组织）',
  subunits: 'true 时包括下级组织的记录',
  q: '按姓名查找（包含即可）',
  flat: 'true 时返回平铺列表而不是树',
  action: '操作：create、update、delete、read',
  actor: '操作人的人员 id',
  recordId: '被操作记录的 id',
  kind: '邮件类别：reminder 提醒、overdue 逾期通知、escalation 督办、digest 每日汇总',
  resource: '记录类型（路径名，如 field-trips）',
  name: '名称或姓名',
  email: '邮箱（也是登录名），不区分大小写',
  password: '密码，至少 8 位',
  currentPassword: '当前密码',
  newPassword: '新密码，至少 8 位',
  access: `权限：${list(accessRoles)}`,
  duty: `职务：${list(dutyRoles)}`,
  orgUnitId: '所属组织 id',
  phone: '联系电话',
  level: `组织层级：${list(orgLevels)}`,
  type: '类型',
  parentId: '上级组织 id',
  sortOrder: '同级之间的排序（小的在前）',
  establishedOn: '成立日期 YYYY-MM-DD；不填（null）表示启用本系统之前即已存在',
  dryRun: 'true 时只列出将发送的邮件，不入队、不发送',
};
const ORG_TYPE = `组织类型：${list(orgTypes)}`;

const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  '400': { name: 'BadRequest', description: '请求不合法（VALIDATION_FAILED、MALFORMED_JSON、INVALID_ENCODING），fields 列出每个出错的字段' },
  '401': { name: 'Unauthenticated', description: '未登录或凭证无效（UNAUTHENTICATED、TOKEN_INVALID、INVALID_CREDENTIALS）；响应头 WWW-Authenticate: Bearer' },
  '403': { name: 'Forbidden', description: '无权访问（FORBIDDEN、TENANT_MISMATCH），或须先修改密码（PASSWORD_CHANGE_REQUIRED：首次登录或被重置后，只能访问 /me 和 /auth/password）' },
  '404': { name: 'NotFound', description: '未找到（NOT_FOUND、TENANT_NOT_FOUND）；范围之外的记录也答 404' },
  '409': { name: 'Conflict', description: '与现有数据冲突（CONFLICT），或同一 Idempotency-Key 的请求仍在处理（IDEMPOTENCY_IN_PROGRESS）' },
  '413': { name: 'PayloadTooLarge', description: '请求体过大（PAYLOAD_TOO_LARGE）' },
  '415': { name: 'UnsupportedMediaType', description: '请求体须为 JSON（导入接口另收 text/csv、application/x-ndjson）（UNSUPPORTED_MEDIA_TYPE）' },
  '429': { name: 'TooManyAttempts', description: '同一地址或同一账户一分钟内尝试次数过多（TOO_MANY_ATTEMPTS）；按 Retry-After 响应头等待后再试，账户不会被锁定' },
  '503': { name: 'DatabaseBusy', description: '数据库忙（DATABASE_BUSY）或不可用（SERVICE_UNAVAILABLE）：什么也没有写入，请按 Retry-After 秒后重试' },
};

const isErrorStatus = (s: string) => /^[45]\d\d$/.test(s);

/** Renames `$defs` references to component references, recursively. */
function rewriteRefs(node: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, names));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      const m = /^#\/(?:\$defs|components\/schemas)\/(.+)$/.exec(v);
      out[k] = m ? `#/components/schemas/${names.get(m[1]) ?? m[1]}` : v;
    } else out[k] = rewriteRefs(v, names);
  }
  return out;
}

/** A name for a generated component: OrgUnitTree for the org-unit tree, else Schema<key>. */
function componentName(key: string, schema: Json): string {
  if (!/^\d+$/.test(key)) return key;
  if (schema?.properties?.children && schema?.properties?.levelLabel) return 'OrgUnitTree';
  return `Schema${key}`;
}

function describeFields(schema: Json | undefined) {
  const props = schema?.properties as Json | undefined;
  if (!props) return;
  for (const [name, prop] of Object.entries(props)) {
    if (prop && typeof prop === 'object' && !prop.description) {
      const d = name === 'type' && JSON.stringify(prop).includes('federation') ? ORG_TYPE : DESCRIPTIONS[name];
      if (d) prop.description = d;
    }
  }
}

export function finalizeSpec(input: Json, opts: { errorSchema: Json }): Json {
  const components: Json = input.components ?? {};
  const generated: Json = components.schemas ?? {};
  const names = new Map(Object.keys(generated).map((k) => [k, componentName(k, generated[k])]));
  const spec = rewriteRefs(input, names) as Json;
  spec.components = {
    ...spec.components,
    schemas: { ...Object.fromEntries(Object.entries(spec.components?.schemas ?? {}).map(([k, v]) => [names.get(k) ?? k, v])), Error: opts.errorSchema },
    responses: Object.fromEntries(
      Object.values(ERROR_RESPONSES).map(({ name, description }) => [
        name,
        {
          description,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          ...(name === 'DatabaseBusy' && { headers: { 'Retry-After': { description: '建议等待的秒数', schema: { type: 'integer' } } } }),
          ...(name === 'Unauthenticated' && { headers: { 'WWW-Authenticate': { description: 'Bearer realm="grassroots"', schema: { type: 'string' } } } }),
        },
      ]),
    ),
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: '任意 1–200 个可见 ASCII 字符。带同一个键重试同一请求，返回第一次的结果（响应头 Idempotent-Replayed: true），不会重复写入；同一键用于不同请求体答 409。',
        schema: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
  };
  for (const [path, item] of Object.entries(spec.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json) as [string, Json][]) {
      const authed = Array.isArray(op.security) ? op.security.length > 0 : true;
      const hasBody = !!op.requestBody || method === 'post' || method === 'patch';
      const statuses = new Set(Object.keys(op.responses ?? {}).filter(isErrorStatus));
      for (const s of ['400', '503']) statuses.add(s);
      if (authed) ['401', '403'].forEach((s) => statuses.add(s));
      if (path.includes('{tenant}') || path.includes('{id}')) statuses.add('404');
      if (hasBody) ['413', '415'].forEach((s) => statuses.add(s));
      if (method === 'post' || method === 'patch' || method === 'delete') statuses.add('409');
      if (path.endsWith('/auth/login') || path.endsWith('/auth/password')) statuses.add('429');
      for (const s of statuses) if (ERROR_RESPONSES[s]) op.responses[s] = { $ref: `#/components/responses/${ERROR_RESPONSES[s].name}` };
      op.parameters = (op.parameters ?? []) as Json[];
      for (const p of op.parameters) if (!p.description && DESCRIPTIONS[p.name]) p.description = DESCRIPTIONS[p.name];
      if (method === 'post' && authed) op.parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
      if (!op.parameters.length) delete op.parameters;
      if ((op.parameters as Json[] | undefined)?.some((p) => p.name === 'format') && op.responses['200']) {
        op.responses['200'].content = { ...op.responses['200'].content, 'text/csv': { schema: { type: 'string', description: 'UTF-8 带 BOM 的 CSV，中文表头，时间为北京时间' } } };
      }
      if (path.endsWith('/import') && method === 'post') {
        op.requestBody = {
          required: true,
          description: '一个文件的内容：CSV（逗号分隔，表头为中文标签或字段名，UTF-8，可带 BOM）或 NDJSON（每行一个 JSON 对象）',
          content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
        };
      }
      describeFields(op.requestBody?.content?.['application/json']?.schema);
    }
  }
  return spec;
}
