import type { Context } from 'koa';
import { BadRequestError } from '../../errors.js';
import { readRawBody } from '../../server/raw-body.js';
import { ADMIN_BODY_TIMEOUT_MS, ADMIN_MAX_BODY_BYTES } from './json-body.js';

/**
 * The request's body as UTF-8 text, or undefined when it has none. Only the route's media types are accepted (415
 * otherwise): a cross-site HTML form can send none of them without a CORS preflight.
 */
export async function readTextBody(ctx: Context, types: readonly string[], limit = ADMIN_MAX_BODY_BYTES, timeoutMs = ADMIN_BODY_TIMEOUT_MS): Promise<string | undefined> {
  const declared = ctx.get('content-length');
  const chunked = ctx.get('transfer-encoding') !== '';
  if (!chunked && (declared === '' || declared === '0')) return undefined;
  if (!ctx.is(...types)) throw new BadRequestError('unsupported_media_type', `send the body as ${types.join(' or ')}`, { status: 415 });
  const raw = await readRawBody(ctx.req, limit, timeoutMs);
  return raw.length === 0 ? undefined : raw.toString('utf8');
}
