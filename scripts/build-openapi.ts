/**
 * Writes the OpenAPI document to public/assets/openapi.json (or the path given), generated from
 * the app's routes exactly as Node generates it for /openapi.json. The Worker serves this file
 * (with its deployment's `servers`), since its bundle carries no OpenAPI generator. Run by the
 * worker build (wrangler.toml [build]) and by `npm test`; the file is not committed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.ts';
import { buildNodeDeps } from '../src/node-runtime.ts';
import { openApiDocument } from '../src/lib/openapi-document.ts';
import { silentLogger } from '../src/lib/logger.ts';

export async function buildOpenApiFile(out = fileURLToPath(new URL('../public/assets/openapi.json', import.meta.url))) {
  // The routes only need their dependencies to answer requests; none is made here.
  const dataDir = mkdtempSync(join(tmpdir(), 'grassroots-openapi-'));
  const runtime = buildNodeDeps({ DATA_DIR: dataDir, JWT_SECRET: 'build-openapi-only-0123456789abcdef' }, silentLogger);
  try {
    const doc = await openApiDocument(createApp(runtime.deps, { openapi: openApiDocument }));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(doc));
    return out;
  } finally {
    runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await buildOpenApiFile(process.argv[2]);
