/**
 * Bundles the CLI (src/cli/main.ts and everything it imports) into one file,
 * dist/cli.mjs, so `npx grassroots …` starts in a few hundred milliseconds
 * instead of the seconds Node spends resolving drizzle-orm's and the other libraries'
 * many modules one by one. Only the libSQL driver and its native binding stay
 * outside (they load a compiled addon). Run by `npm install` (prepare), and
 * by bin/grassroots.js when the bundle is older than a source file; without
 * esbuild, bin/grassroots.js runs the TypeScript sources instead.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildCli(outfile = join(root, 'dist', 'cli.mjs')) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['libsql', '@libsql/*'],
    // hono-openapi asks for zod's converter only for zod schemas; there are none (src/lib/no-zod.ts).
    alias: { 'zod/v4/core': join(root, 'src/lib/no-zod.ts') },
    // Bundled CommonJS packages (nodemailer) call require().
    banner: { js: "import { createRequire as __grassrootsRequire } from 'node:module'; const require = __grassrootsRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

if (import.meta.main) {
  // Without esbuild (an install without dev dependencies) the CLI runs from the sources: slower, same behaviour.
  await buildCli().catch((e: Error) => console.warn(`CLI 未打包（${e.message.split('\n')[0]}）；npx grassroots 将直接运行源代码，启动较慢。`));
}
