import * as v from 'valibot';
import { validator as openapiValidator } from 'hono-openapi';
import type { ValidationTargets } from 'hono';
import { AppError } from './errors.ts';
import { issuePath } from './valibot-zh.ts';

/**
 * Validates one part of the request with a valibot schema (which also feeds
 * the OpenAPI document). On failure: 400 VALIDATION_FAILED with every invalid
 * field, in the request's language.
 */
export function validate<T extends keyof ValidationTargets, S extends v.GenericSchema>(target: T, schema: S) {
  return openapiValidator(target, schema, (result, c) => {
    if (result.success) return;
    const lang = (c.get as (k: string) => unknown)('lang');
    const issues =
      lang === 'en'
        ? (v.safeParse(schema, (result as { data?: unknown }).data, { lang: 'en' }).issues ?? [])
        : (result.error as readonly { message: string; path?: readonly unknown[] }[]);
    throw new AppError('VALIDATION_FAILED', {
      fields: issues.map((i) => ({ path: [target === 'json' ? '' : target, issuePath(i)].filter(Boolean).join('.') || target, message: i.message })),
    });
  });
}
