/**
 * Puts the API reference's browser files (Swagger UI, from the npm package
 * swagger-ui-dist) into public/assets/swagger-ui/, from where Node serves them
 * (serveStatic) and Workers Static Assets serves them (wrangler.toml [assets]),
 * so nothing is fetched from a CDN and the worker bundle does not grow.
 * Run by `npm start`, `npm test` and the worker build; the copies are not committed.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')));
const to = join(root, 'public', 'assets', 'swagger-ui');
mkdirSync(to, { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE']) copyFileSync(join(from, file), join(to, file));
