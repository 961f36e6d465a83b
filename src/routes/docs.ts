import type { OpenAPIV3_1 } from 'openapi-types';

type Spec = { info: { title: string; description?: string; version: string }; paths?: Record<string, Record<string, unknown>> };

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const block = (title: string, value: unknown) => (value ? `<h4>${title}</h4><pre>${esc(JSON.stringify(value, null, 2))}</pre>` : '');

/**
 * A self-contained API reference page rendered on the server from the OpenAPI
 * document: no script or style is fetched from anywhere at run time.
 */
export function renderDocsPage(spec: Spec): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const m of methods) {
      const op = item[m] as OpenAPIV3_1.OperationObject | undefined;
      if (!op) continue;
      const tag = op.tags?.[0] ?? '其他';
      const entry = `<details><summary><code class="m ${m}">${m}</code> <code>${esc(path)}</code> — ${esc(op.summary)}</summary>
${op.description ? `<p>${esc(op.description)}</p>` : ''}${block('参数', op.parameters?.length ? op.parameters : undefined)}${block('请求体', op.requestBody)}${block('响应', op.responses)}</details>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
    }
  }
  const sections = [...byTag].map(([tag, entries]) => `<h2>${esc(tag)}</h2>\n${entries.join('\n')}`).join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(spec.info.title)} · 接口文档</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:2px solid #c33;padding-bottom:.3rem}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
summary{cursor:pointer}
code.m{display:inline-block;min-width:4.5em;font-weight:bold;text-transform:uppercase}
.get{color:#1a7f37}.post{color:#0969da}.patch{color:#9a6700}.delete{color:#cf222e}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:.85em}
</style>
</head>
<body>
<h1>${esc(spec.info.title)}</h1>
<p>${esc(spec.info.description)}</p>
<p>版本 ${esc(spec.info.version)} · 机器可读文档：<a href="/openapi.json">/openapi.json</a>（OpenAPI 3.1）</p>
${sections}
</body>
</html>`;
}
