#!/usr/bin/env node
// `npx grassroots …` — runs the TypeScript CLI directly (Node >= 22.18 strips types).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`需要 Node 22.18 或更高版本（当前 ${process.version}）。请在项目目录中用 npx grassroots 或 npm run grassroots -- 运行，它们使用项目自带的 Node。`);
  process.exit(1);
}
const { run } = await import('../src/cli/main.ts');
await run();
