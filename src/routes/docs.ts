/**
 * /docs: an interactive API reference (Swagger UI) over /openapi.json. The
 * page is a shell; its script and style are local files under /assets/
 * (scripts/copy-assets.ts), never a CDN.
 */
export function renderDocsPage(title: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · 接口文档</title>
<link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css">
</head>
<body>
<noscript>接口文档需要启用 JavaScript；机器可读的描述见 <a href="/openapi.json">/openapi.json</a>。</noscript>
<div id="swagger-ui"></div>
<script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/assets/docs.js"></script>
</body>
</html>`;
}
