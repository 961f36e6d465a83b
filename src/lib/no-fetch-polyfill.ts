/**
 * Stands in for `whatwg-fetch` in the worker bundle (wrangler.toml [alias]). @tursodatabase/api
 * imports that polyfill for runtimes without fetch; Workers has fetch, so nothing is needed.
 */
export {};
