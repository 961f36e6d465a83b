import { Hono } from './lib/hono.ts';
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps, AppEnv } from './env.ts';
import { AppError, errorBody, errorKind, type Lang } from './lib/errors.ts';
import { refreshAfterWrite } from './middleware/refresh.ts';
import { installZhMessages } from './lib/valibot-zh.ts';
import { tenantMiddleware } from './middleware/tenant.ts';
import { authMiddleware } from './middleware/auth.ts';
import { systemRoutes } from './routes/system.ts';
import { platformRoutes } from './routes/platform.ts';
import { loginRoutes, selfRoutes } from './routes/auth.ts';
import { orgUnitRoutes } from './routes/org-units.ts';
import { peopleRoutes } from './routes/people.ts';
import { complianceRoutes } from './routes/compliance.ts';
import { recordRoutes } from './routes/records.ts';
import { auditRoutes } from './routes/audit.ts';
import { importRoutes } from './routes/import.ts';
import { checkRoutes } from './routes/checks.ts';
import { resources } from './records/resources.ts';
import { idempotency } from './middleware/idempotency.ts';
import { renderDocsPage } from './routes/docs.ts';
import { API_TITLE, type OpenApiDocument } from './lib/openapi.ts';
import { webRoutes } from './web/routes.ts';
import { isBusyError, isUnreachableError } from './db/errors.ts';
import { allowedMethods, corsFor, locationOfCreated } from './middleware/http.ts';

const IMPORT_PATH = /^\/v1\/[^/]+\/import\/?$/;

/** Seconds a client is told to wait after a 503. */
const RETRY_AFTER_SECONDS = '2';

/** `en` when the client prefers English over Chinese; zh-CN otherwise. */
export function detectLang(header: string | undefined): Lang {
  const tags = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q);
  const first = tags.find((t) => t.tag.startsWith('en') || t.tag.startsWith('zh'));
  return first?.tag.startsWith('en') ? 'en' : 'zh-CN';
}

function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isBusyError(err)) return new AppError('DATABASE_BUSY');
  if (isUnreachableError(err)) return new AppError('SERVICE_UNAVAILABLE');
  if (err instanceof HTTPException) {
    if (err.status === 400 && /json/i.test(err.message)) return new AppError('MALFORMED_JSON');
    if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (err.status === 401) return new AppError('UNAUTHENTICATED');
    if (err.status === 403) return new AppError('FORBIDDEN');
    if (err.status === 404) return new AppError('NOT_FOUND');
    if (err.status < 500) return new AppError('VALIDATION_FAILED');
  }
  return undefined;
}

export interface AppOptions {
  /** Serves public/assets/ on Node; on Workers, Static Assets answers those paths before the worker runs. */
  assets?: MiddlewareHandler;
  /**
   * The OpenAPI document for /openapi.json: on Node generated from this app's routes; on Workers read
   * from the build's public/assets/openapi.json (the worker bundle has no OpenAPI generator).
   */
  openapi: (app: Hono<AppEnv>) => Promise<OpenApiDocument>;
}

export function createApp(deps: AppDeps, opts: AppOptions) {
  installZhMessages();
  const app = new Hono<AppEnv>();
  if (opts.assets) app.use('/assets/*', opts.assets);

  app.use(requestId());
  app.use(async (c, next) => {
    c.set('lang', detectLang(c.req.header('accept-language')));
    await next();
  });
  app.use(secureHeaders());
  app.use('*', corsFor(deps.config.corsOrigins));
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE');
      },
    });
  const bodyLimitDefault = limit(deps.config.maxBodyBytes);
  const bodyLimitImport = limit(deps.config.maxImportBytes);
  // Only a method with a body is limited: bodyLimit reads c.req.raw.body, which on Node builds a whole Request.
  const hasBody = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
  app.use('/v1/*', (c, next) => (!hasBody(c.req.method) ? next() : IMPORT_PATH.test(c.req.path) ? bodyLimitImport(c, next) : bodyLimitDefault(c, next)));

  // Every body is UTF-8 text: invalid bytes are refused, never stored as U+FFFD.
  // Bodies are JSON (import also takes CSV and NDJSON): anything else is 415, never silently ignored.
  // valibot takes an array for an object with no keys; a JSON body must be an object.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.use('/v1/*', async (c, next) => {
    if (['POST', 'PATCH', 'PUT'].includes(c.req.method)) {
      const bytes = await c.req.arrayBuffer();
      try {
        utf8.decode(bytes);
      } catch {
        throw new AppError('INVALID_ENCODING');
      }
      const isJson = /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(c.req.header('content-type') ?? '');
      if (bytes.byteLength > 0 && !isJson && !IMPORT_PATH.test(c.req.path)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      if (isJson) {
        const body = await c.req.json().catch(() => ({}));
        if (Array.isArray(body)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'json', message: '请求体须为 JSON 对象' }] });
      }
    }
    await next();
  });

  app.route('/', systemRoutes(deps));
  app.route('/v1/platform', platformRoutes(deps));

  const tenantApp = new Hono<AppEnv>();
  tenantApp.use(tenantMiddleware(deps));
  tenantApp.route('/auth', loginRoutes(deps));
  tenantApp.use(authMiddleware(deps));
  tenantApp.use(locationOfCreated);
  tenantApp.use(idempotency(deps));
  tenantApp.use(refreshAfterWrite(deps));
  tenantApp.route('/', selfRoutes(deps));
  tenantApp.route('/org-units', orgUnitRoutes(deps));
  tenantApp.route('/people', peopleRoutes(deps));
  tenantApp.route('/', complianceRoutes(deps));
  for (const def of resources) tenantApp.route(`/${def.path}`, recordRoutes(def, deps));
  tenantApp.route('/audit', auditRoutes(deps));
  tenantApp.route('/import', importRoutes(deps));
  tenantApp.route('/', checkRoutes(deps));
  app.route('/v1/:tenant', tenantApp);

  // Built or read once per app; a failure (say, a missing build file) is not kept, so the next request tries again.
  let spec: Promise<OpenApiDocument> | undefined;
  const getSpec = () => (spec ??= opts.openapi(app).catch((e) => ((spec = undefined), Promise.reject(e))));
  app.get('/openapi.json', async (c) => c.json({ ...(await getSpec()), servers: [{ url: deps.config.publicBaseUrl, description: '本部署 / this deployment' }] }));
  app.get('/docs', (c) => c.html(renderDocsPage(API_TITLE)));

  // The workbench's pages (/{tenant}/…) call the API above in-process: one implementation of every check.
  app.route('/', webRoutes(deps, (request, env) => app.fetch(request, env)));

  /** Every error response: the one body shape, and the headers its status calls for. */
  const reply = (c: Context<AppEnv>, appErr: AppError) => {
    if (appErr.status === 503) c.header('Retry-After', RETRY_AFTER_SECONDS);
    if (appErr.status === 429) c.header('Retry-After', String(deps.loginLimits.periodSeconds));
    if (appErr.status === 401) c.header('WWW-Authenticate', appErr.code === 'TOKEN_INVALID' ? 'Bearer realm="grassroots", error="invalid_token"' : 'Bearer realm="grassroots"');
    return c.json(errorBody(appErr, c.get('lang') ?? 'zh-CN', c.get('requestId') ?? ''), appErr.status as 400);
  };
  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const allow = allowed(c.req.path);
    if (allow.length) c.header('Allow', allow.join(', '));
    return reply(c, new AppError(allow.length ? 'METHOD_NOT_ALLOWED' : 'ROUTE_NOT_FOUND'));
  });
  app.onError((err, c) => {
    const known = toAppError(err);
    if (!known) deps.log.error('unhandled_error', { requestId: c.get('requestId'), kind: errorKind(err), path: c.req.routePath });
    return reply(c, known ?? new AppError('INTERNAL'));
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
