/**
 * Hono with its TrieRouter only: every app and sub-app here is built from this class. The default
 * `Hono` bundles SmartRouter, which tries RegExpRouter first and, for these routes (`/v1/:tenant/*`
 * beside the tenants' own paths), falls back to TrieRouter anyway; the worker bundle is 2 KiB gzip
 * smaller without the routers that are never chosen. `hono/tiny`'s PatternRouter is smaller still
 * but matches five times slower over these 390 routes. The same preset shape as `hono/tiny`.
 */
import { HonoBase } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { Env, Schema } from 'hono';
import type { BlankEnv, BlankSchema } from 'hono/types';
import type { HonoOptions } from 'hono/hono-base';

export class Hono<E extends Env = BlankEnv, S extends Schema = BlankSchema, BasePath extends string = '/'> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = new TrieRouter();
  }
}
