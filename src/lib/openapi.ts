import * as v from 'valibot';
import { describeRoute, resolver, type DescribeRouteOptions } from 'hono-openapi';
import { msg } from './valibot-zh.ts';

export const API_TITLE = '下基层工作台账 Grassroots API';
export const API_VERSION = '0.1.0';

/** The OpenAPI document (src/lib/openapi-document.ts), without `servers`: built once, for every deployment. */
export type OpenApiDocument = Record<string, unknown>;

export const ErrorBodySchema = v.object({
  error: v.object({
    code: v.pipe(v.string(), v.description('稳定的错误码，例如 VALIDATION_FAILED')),
    message: v.pipe(v.string(), v.description('给人看的说明，默认中文；Accept-Language: en 时为英文')),
    fields: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
    requestId: v.string(),
  }),
});

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });

/** Describes one operation: summary, tag and the success body (error responses are added by finalizeSpec). */
export function doc(opts: {
  tag: string;
  summary: string;
  description?: string;
  ok?: { status?: 200 | 201 | 204; schema?: v.GenericSchema; description?: string };
  /** false: no token; 'platform': the platform operators' PLATFORM_TOKEN; default: a person's login token. */
  auth?: boolean | 'platform';
  extra?: DescribeRouteOptions['responses'];
}) {
  const status = opts.ok?.status ?? 200;
  const success =
    status === 204 || !opts.ok?.schema
      ? { description: opts.ok?.description ?? '成功' }
      : { description: opts.ok?.description ?? '成功', content: json(opts.ok.schema) };
  return describeRoute({
    tags: [opts.tag],
    summary: opts.summary,
    description: opts.description,
    security: opts.auth === false ? [] : opts.auth === 'platform' ? [{ platformToken: [] }] : [{ bearerAuth: [] }],
    responses: { [status]: success, ...opts.extra },
  });
}

/** Path parameter `{tenant}` shared by every tenant route. */
export const TenantParam = v.object({ tenant: v.pipe(v.string(), v.description('妇联 id，例如 lixia、binzhou、harbin')) });

/**
 * Cursors are opaque to clients: base64url of a versioned prefix and the
 * position. A cursor that was not handed out by a list is a 400, never an
 * empty page.
 */
const CURSOR_PREFIX = 'gr1:';
export const encodeCursor = (s: string) => btoa(CURSOR_PREFIX + s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
export const decodeCursor = (s: string | undefined): string | undefined => {
  if (!s || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  try {
    const text = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return text.startsWith(CURSOR_PREFIX) && /^[\x21-\x7e]*$/.test(text) ? text.slice(CURSOR_PREFIX.length) : undefined;
  } catch {
    return undefined;
  }
};

const badCursor = msg('分页游标无效：请原样使用上一页返回的 nextCursor', 'invalid cursor: pass the nextCursor of the previous page unchanged');
/** A cursor from a list's `nextCursor`, decoded to the position it stands for. */
export const Cursor = v.pipe(
  v.string(),
  v.maxLength(300),
  v.check((s) => decodeCursor(s) !== undefined, badCursor),
  v.transform((s) => decodeCursor(s)!),
  v.description('上一页返回的 nextCursor，原样传回'),
);
/** A cursor that stands for an offset into a sorted result list. */
export const OffsetCursor = v.pipe(Cursor, v.check((s) => /^\d{1,9}$/.test(s), badCursor), v.transform(Number));

/** Cursor pagination: `limit` 1–200 (default 50), opaque `cursor` from the previous page. */
export const PageQuery = {
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)), '50'),
  cursor: v.optional(Cursor),
};

export const pageOf = <S extends v.GenericSchema>(item: S) =>
  v.object({ items: v.array(item), nextCursor: v.nullable(v.string()) });
