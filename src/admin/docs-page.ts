import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context, Next } from 'koa';

const swaggerUiRoot = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The only files served from swagger-ui-dist: a fixed list, so no request path ever reaches the file system. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function page(prefix: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard API reference</title>
<link rel="stylesheet" href="${prefix}/swagger-ui.css">
<link rel="icon" type="image/png" href="${prefix}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${prefix}/swagger-ui-bundle.js"></script>
<script src="${prefix}/init.js"></script>
</body>
</html>
`;
}

/** "Try it out" with the console's session: mutations get the session's CSRF token, read from /auth/me. */
function initScript(specUrl: string): string {
  return `'use strict';
(function () {
  var csrf;
  function csrfToken() {
    if (csrf) return Promise.resolve(csrf);
    return fetch(${JSON.stringify(specUrl.replace(/openapi\.json$/, 'auth/me'))}, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (me) { csrf = me.csrfToken; return csrf; });
  }
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(specUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    requestInterceptor: function (req) {
      var method = (req.method || 'GET').toUpperCase();
      if (method === 'GET' || method === 'HEAD' || (req.headers && req.headers.Authorization)) return req;
      return csrfToken().then(function (token) { if (token) req.headers['X-CSRF-Token'] = token; return req; });
    },
  });
})();
`;
}

/**
 * The API reference at `prefix`: Swagger UI (swagger-ui-dist, served from the package, no CDN) reading the OpenAPI
 * document. Public: it holds no data.
 */
export function docsPage(prefix: string, specUrl: string) {
  const html = page(prefix);
  const init = initScript(specUrl);
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    const name = ctx.path === prefix ? '' : ctx.path.slice(prefix.length + 1);
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (name === '' || name === 'index.html') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = html;
    } else if (name === 'init.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = init;
    } else if (Object.hasOwn(ASSETS, name)) {
      ctx.type = ASSETS[name] as string;
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = createReadStream(join(swaggerUiRoot, name));
    } else return next();
  };
}
