import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is safe to echo, else makes one. */
export async function requestId(ctx: Context, next: Next) {
  const given = ctx.get('x-request-id');
  const id = SAFE.test(given) ? given : randomUUID();
  ctx.state.requestId = id;
  ctx.set('X-Request-Id', id);
  await next();
}
