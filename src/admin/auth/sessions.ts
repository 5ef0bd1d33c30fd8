import type { Context } from 'koa';
import type { User } from '../../store/repositories/index.js';
import { secureCookies, type AdminDeps } from '../deps.js';
import { csrfTokenFor, hashToken, newSecretToken } from './secret-tokens.js';
import { setSessionCookie } from './session-cookie.js';

/** Signs the user in on this client: a new server-side session (only its hash stored) and its cookie. */
export async function startSession(ctx: Context, deps: AdminDeps, user: User): Promise<{ csrfToken: string }> {
  const token = newSecretToken('sbs');
  const now = deps.now();
  // Sessions past their absolute expiry are of no use to anyone: sweep them as new ones are made.
  await deps.repos.sessions.deleteExpired(now);
  await deps.repos.sessions.create({
    userId: user.id,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + deps.sessions.absoluteMs),
    lastSeenAt: now,
    ip: ctx.ip || undefined,
    userAgent: ctx.get('user-agent').slice(0, 256) || undefined,
  });
  setSessionCookie(ctx, { secure: secureCookies(deps), token, maxAgeSec: Math.floor(deps.sessions.absoluteMs / 1000) });
  await deps.repos.users.recordLogin(user.id, now);
  return { csrfToken: csrfTokenFor(token) };
}
