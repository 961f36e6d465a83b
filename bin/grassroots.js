#!/usr/bin/env node
// `npx grassroots …` — the CLI. Node >= 22.18 (the project's own, from the `node` package) runs it.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`需要 Node 22.18 或更高版本（当前 ${process.version}）。请在项目目录中用 npx grassroots 或 npm run grassroots -- 运行，它们使用项目自带的 Node。`);
  process.exit(1);
}
import { readdirSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

// The bundle (scripts/build-cli.ts) starts in a fraction of the time the TypeScript sources take to
// resolve. It is used only while newer than every source it was built from; a stale one is rebuilt
// when esbuild is installed, and otherwise the sources run directly (slower, never out of date).
const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'cli.mjs');
const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};
const newestSource = () => {
  let newest = Math.max(mtime(join(root, 'package-lock.json')), mtime(join(root, 'package.json')));
  for (const dir of ['src', 'db']) {
    for (const f of readdirSync(join(root, dir), { recursive: true })) if (/\.[cm]?[jt]s$/.test(f)) newest = Math.max(newest, mtime(join(root, dir, f)));
  }
  return newest;
};
async function entry() {
  if (mtime(bundle) > newestSource()) return pathToFileURL(bundle).href;
  try {
    const { buildCli } = await import('../scripts/build-cli.ts');
    const fresh = `${bundle}.${process.pid}.tmp`;
    await buildCli(fresh);
    renameSync(fresh, bundle);
    return pathToFileURL(bundle).href;
  } catch {
    return '../src/cli/main.ts';
  }
}
const { run } = await import(await entry());
await run();
