import type { Context } from 'koa';
import type { AdminDeps } from '../deps.js';
import { secureCookies } from '../deps.js';
import { unauthorized } from '../http/errors.js';
import type { Principal, Role } from './principal.js';
import { csrfTokenFor, hashToken } from './secret-tokens.js';
import { readSessionCookie } from './session-cookie.js';

export const API_TOKEN_PREFIX = 'sbp';

/**
 * The caller of this request, or null when it carries no credential. A credential that is present but not valid
 * (unknown, expired, revoked, disabled user) is a 401; an Authorization header is never ignored in favour of a cookie.
 */
export async function authenticate(ctx: Context, deps: AdminDeps): Promise<Principal | null> {
  const authorization = ctx.get('authorization');
  if (authorization !== '') return bearerPrincipal(authorization, deps);
  const token = readSessionCookie(ctx, secureCookies(deps));
  return token ? sessionPrincipal(token, deps) : null;
}

async function bearerPrincipal(authorization: string, deps: AdminDeps): Promise<Principal> {
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(authorization);
  if (!match?.[1] || !match[1].startsWith(`${API_TOKEN_PREFIX}_`)) throw unauthorized('malformed Authorization header');
  const now = deps.now();
  const token = await deps.repos.apiTokens.findValid(hashToken(match[1]), now);
  if (!token) throw unauthorized('unknown, expired or revoked API token');
  const user = await deps.repos.users.get(token.userId);
  if (!user || user.disabled) throw unauthorized('the API token belongs to a disabled user');
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= deps.sessions.touchEveryMs) await deps.repos.apiTokens.touch(token.id, now);
  return { kind: 'token', user, tokenId: token.id, tenantId: token.tenantId, role: token.role as Role };
}

async function sessionPrincipal(token: string, deps: AdminDeps): Promise<Principal> {
  const now = deps.now();
  const session = await deps.repos.sessions.findValid(hashToken(token), now);
  if (!session) throw unauthorized('unknown or expired session');
  const idleFor = now.getTime() - session.lastSeenAt.getTime();
  if (idleFor >= deps.sessions.idleMs) {
    await deps.repos.sessions.delete(session.id);
    throw unauthorized('session idle for too long');
  }
  const user = await deps.repos.users.get(session.userId);
  if (!user || user.disabled) throw unauthorized('the session belongs to a disabled user');
  if (idleFor >= deps.sessions.touchEveryMs) await deps.repos.sessions.touch(session.id, now);
  return { kind: 'session', user, sessionId: session.id, csrfToken: csrfTokenFor(token) };
}

/**
 * The caller's effective role in a tenant, or null when the tenant is not theirs (answered as 404, like a tenant that
 * does not exist). Instance admins act as admin in every tenant. A token acts in its own tenant only, with its own
 * role, and only while its user still holds that role (or admin) there.
 */
export async function tenantRole(principal: Principal, tenantId: string, deps: AdminDeps): Promise<Role | null> {
  if (principal.kind === 'token' && principal.tenantId !== tenantId) return null;
  const current = principal.user.isSuperAdmin
    ? (await deps.repos.tenants.get(tenantId)) && 'admin'
    : ((await deps.repos.memberships.get(tenantId, principal.user.id))?.role as Role | undefined);
  if (!current) return null;
  if (principal.kind === 'session') return current;
  return current === 'admin' || current === principal.role ? principal.role : null;
}
