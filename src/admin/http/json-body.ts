import type { Context } from 'koa';
import { BadRequestError } from '../../errors.js';
import { readRawBody } from '../../server/raw-body.js';

/** Admin requests are small documents; bigger bodies get 413 before they are parsed. */
export const ADMIN_MAX_BODY_BYTES = 256 * 1024;
/** A body that has not arrived by then gets 408 (the default of HTTP_BODY_TIMEOUT_MS). */
export const ADMIN_BODY_TIMEOUT_MS = 10_000;

/**
 * The request's JSON body, or undefined when it has none. Anything but `application/json` is refused (415), so a
 * cross-site HTML form (which can only send form or text bodies) never reaches a handler.
 */
export async function readJsonBody(ctx: Context, limit = ADMIN_MAX_BODY_BYTES, timeoutMs = ADMIN_BODY_TIMEOUT_MS): Promise<unknown> {
  const declared = ctx.get('content-length');
  const chunked = ctx.get('transfer-encoding') !== '';
  if (!chunked && (declared === '' || declared === '0')) return undefined;
  if (!ctx.is('application/json')) throw new BadRequestError('unsupported_media_type', 'send the body as application/json', { status: 415 });
  const raw = await readRawBody(ctx.req, limit, timeoutMs);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new BadRequestError('malformed_json', 'the body is not valid JSON');
  }
}
