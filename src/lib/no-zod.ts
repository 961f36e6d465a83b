/**
 * Stands in for `zod/v4/core` in the worker bundle (wrangler.toml [alias]).
 * hono-openapi's schema converters import zod lazily, only for zod schemas;
 * this app describes everything with valibot, so zod is never loaded and
 * need not be bundled (about 700 KiB). If it ever is asked for, it says why.
 */
const refuse = () => {
  throw new Error('zod is not bundled: Grassroots describes its schemas with valibot');
};
export const toJSONSchema = refuse;
export default new Proxy({}, { get: refuse });
