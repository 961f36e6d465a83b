// The interactive API reference at /docs: Swagger UI over /openapi.json, from local files only.
window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayRequestDuration: true,
    docExpansion: 'none',
    tryItOutEnabled: false,
  });
});
