import { Hono } from '../lib/hono.ts';
import * as v from 'valibot';
import type { AppDeps, AppEnv } from '../env.ts';
import { AppError } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { doc } from '../lib/openapi.ts';
import { commitWrite } from '../middleware/idempotency.ts';
import { findResource, importStatements, inFileTerms, parseRows, rowFieldErrors, validateRows } from '../records/import.ts';
import { resources } from '../records/resources.ts';

const Query = v.strictObject({
  resource: v.pipe(v.string(), v.description(`记录类型：${resources.map((r) => `${r.path}（${r.label}）`).join('、')}`)),
});
const Result = v.object({ resource: v.string(), imported: v.number(), ids: v.array(v.string()) });

export const importRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().post(
    '/',
    doc({
      tag: '导入导出',
      summary: '批量导入（CSV 或 NDJSON，全部成功或全部不写入）',
      description: 'Content-Type: text/csv（UTF-8，可带 BOM；列名可用中文标签或字段名）或 application/x-ndjson。任一行有误则不写入任何记录，并返回每个错误行的行号（表头为第 1 行）和原因：fields[].path 形如 rows.3.startDate。',
      ok: { status: 201, schema: Result },
    }),
    validate('query', Query),
    async (c) => {
      const def = findResource(c.req.valid('query').resource);
      if (!def) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'query.resource', message: `未知的记录类型（可选：${resources.map((r) => r.path).join(', ')}）` }] });
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      const format = type === 'text/csv' ? 'csv' : type === 'application/x-ndjson' || type === 'application/ndjson' ? 'ndjson' : undefined;
      if (!format) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: { zh: '请以 text/csv 或 application/x-ndjson 上传', en: 'Send text/csv or application/x-ndjson' } });
      const parsed = parseRows(def, format, await c.req.text());
      const { prepared, errors } = await validateRows(c.get('db'), c.get('user'), c.get('tenant'), def, parsed.rows);
      const all = inFileTerms([...parsed.errors, ...errors], parsed.written).sort((a, b) => a.line - b.line);
      if (all.length) throw new AppError('VALIDATION_FAILED', { fields: rowFieldErrors(all), detail: { zh: `有 ${new Set(all.map((e) => e.line)).size} 行不合格，未导入任何记录`, en: `${new Set(all.map((e) => e.line)).size} rows are invalid; nothing was imported` } });
      if (!prepared.length) throw new AppError('VALIDATION_FAILED', { detail: { zh: '文件中没有记录', en: 'The file has no rows' } });
      const now = deps.clock.now();
      const { items, ids } = importStatements({ db: c.get('db'), actorId: c.get('user').id, requestId: c.get('requestId'), now }, c.get('user'), def, prepared);
      return commitWrite(c, items, 201, { resource: def.path, imported: ids.length, ids });
    },
  );
