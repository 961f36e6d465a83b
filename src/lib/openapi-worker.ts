/**
 * Stands in for hono-openapi in the worker bundle (wrangler.toml [alias]). The Worker serves the
 * OpenAPI document built at build time (scripts/build-openapi.ts), so it needs none of hono-openapi's
 * generator or schema converters, only what the routes call at run time:
 * - `validator`: hono-openapi's is @hono/standard-validator's `sValidator` with the schema attached
 *   for the generator; here it is `sValidator` itself, so requests are validated exactly as on Node;
 * - `describeRoute`: hono-openapi's passes every request on; so does this one;
 * - `resolver`: only ever read by the generator.
 */
import type { MiddlewareHandler } from 'hono';
import { sValidator } from '@hono/standard-validator';

export const validator = sValidator;
export const describeRoute = (_spec: unknown): MiddlewareHandler => async (_c, next) => {
  await next();
};
export const resolver = <S>(schema: S) => schema;
