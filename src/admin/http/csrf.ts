import type { Context } from 'koa';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { forbidden } from './errors.js';

export const CSRF_HEADER = 'X-CSRF-Token';

/** The methods that change something: they need the CSRF token (cookie sessions) and a same-origin page. */
export function isMutation(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * Refuses a request a browser sent from a page of another origin. Browsers always send `Origin` on a cross-origin
 * POST/PUT/PATCH/DELETE (and `Sec-Fetch-Site`); clients that are not browsers send neither and pass here.
 * Allowed: the origin of PUBLIC_BASE_URL and the origin the request itself was sent to.
 */
export function assertSameOrigin(ctx: Context, publicBaseUrl: string | undefined): void {
  if (ctx.get('sec-fetch-site') === 'cross-site') throw forbidden('origin_mismatch', 'cross-site requests are refused');
  const origin = ctx.get('origin');
  if (origin === '') return;
  const allowed = new Set([`${ctx.protocol}://${ctx.host}`]);
  if (publicBaseUrl) allowed.add(new URL(publicBaseUrl).origin);
  if (!allowed.has(origin)) throw forbidden('origin_mismatch', 'requests from another origin are refused');
}

/** A cookie session's mutation must carry the session's CSRF token in X-CSRF-Token (a page of another origin cannot read it). */
export function assertCsrfToken(ctx: Context, expected: string): void {
  const given = ctx.get(CSRF_HEADER);
  if (given === '' || !constantTimeEqual(given, expected)) {
    throw forbidden('csrf_token_invalid', `send the csrfToken of GET /api/v1/auth/me in the ${CSRF_HEADER} header`);
  }
}
