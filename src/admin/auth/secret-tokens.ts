import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A new bearer secret: `<prefix>_` + 32 random bytes (base64url). Shown once; only its hash is stored. */
export function newSecretToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** How session, API and set-password tokens are stored: sha256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The CSRF token of a session, derived from the session token (which only the HttpOnly cookie holds): nothing to
 * store, and a page that cannot read the cookie cannot compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('switchboard.csrf').digest('base64url');
}
