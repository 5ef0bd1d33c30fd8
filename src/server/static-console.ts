import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Next } from 'koa';
import { BadRequestError } from '../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>Switchboard</title>
<body style="font-family:system-ui;margin:3rem"><h1>Switchboard</h1>
<p>This build has no admin console yet. Ingress (<code>/hooks/&lt;platform&gt;/&lt;bot id&gt;</code>), <code>/healthz</code>,
<code>/readyz</code> and <code>/metrics</code> are running; bots are set up with <code>switchboard config apply</code>.</p></body>`;

/**
 * Serves the built console under `/admin`. Paths are resolved inside the root only; unknown paths fall back to
 * index.html so client-side routes work.
 */
export function staticConsole(root: string, prefix = '/admin') {
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  return async (ctx: Context, next: Next) => {
    if (ctx.path !== prefix && !ctx.path.startsWith(prefix + '/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path.slice(prefix.length)).replace(/^\/+/, '');
    } catch {
      // A malformed percent-escape (`%E0%A4%A`) is bad input, not a server error.
      throw new BadRequestError('bad_path', 'malformed path');
    }
    const candidate = normalize(join(root, relative));
    const insideRoot = candidate === root || candidate.startsWith(rootWithSep);
    const file = insideRoot ? await fileOrIndex(candidate, root) : undefined;
    if (!file) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = PLACEHOLDER;
      return;
    }
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.set('Cache-Control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.body = createReadStream(file);
  };
}

async function fileOrIndex(candidate: string, root: string): Promise<string | undefined> {
  for (const path of [candidate, join(root, 'index.html')]) {
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
