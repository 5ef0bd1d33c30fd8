import { z } from 'zod';
import { passwordSchema, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { hashToken } from '../auth/secret-tokens.js';
import { clearSessionCookie } from '../auth/session-cookie.js';
import { startSession } from '../auth/sessions.js';
import { secureCookies, type AdminDeps } from '../deps.js';
import { ApiError, tooManyRequests, unauthorized } from '../http/errors.js';
import { blockedForMs, consumeQuietly } from '../http/rate-limit.js';
import { defineRoute } from '../route.js';
import { meSchema, presentMe } from '../schemas/users.js';

const TAG = 'auth';

/** Counters of failed sign-ins are keyed by a hash of the address: no e-mail addresses in Redis. */
const accountKey = (email: string) => hashToken(`login:${email.trim().toLowerCase()}`);

async function assertNotThrottled(deps: AdminDeps, email: string, ip: string): Promise<void> {
  const { loginAccount, loginIp } = deps.limiters;
  const waitMs = Math.max(await blockedForMs(loginAccount, accountKey(email)), await blockedForMs(loginIp, ip));
  if (waitMs > 0) throw tooManyRequests(waitMs, 'too many failed sign-ins');
}

async function countFailure(deps: AdminDeps, email: string, ip: string): Promise<void> {
  await Promise.all([consumeQuietly(deps.limiters.loginAccount, accountKey(email)), consumeQuietly(deps.limiters.loginIp, ip)]);
}

/** One answer for an unknown address, a wrong password, a disabled user and an invitation not yet accepted. */
const BAD_CREDENTIALS = 'wrong e-mail address or password';

export const login = defineRoute({
  method: 'post',
  path: '/auth/login',
  operationId: 'login',
  summary: 'Sign in: sets the session cookie',
  tag: TAG,
  access: { kind: 'public' },
  body: z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }),
  response: meSchema,
  example: { body: { email: 'admin@example.com', password: 'correct horse battery staple' } },
  async handler({ body, deps, koa, audit }) {
    await assertNotThrottled(deps, body.email, koa.ip);
    const user = await deps.repos.users.getByEmail(body.email);
    const usable = user && !user.disabled ? user : null;
    // Without a usable user a dummy hash is verified: the same work, the same answer.
    if (!(await verifyPassword(usable?.passwordHash, body.password)) || !usable) {
      await countFailure(deps, body.email, koa.ip);
      deps.logger.info({ requestId: koa.state.requestId, ip: koa.ip, knownUser: Boolean(user) }, 'sign-in failed');
      throw unauthorized(BAD_CREDENTIALS);
    }
    await deps.limiters.loginAccount.delete(accountKey(body.email));
    const { csrfToken } = await startSession(koa, deps, usable);
    audit({ action: 'auth.login', targetType: 'user', targetId: usable.id, tenantId: null, actorUserId: usable.id });
    const principal: Principal = { kind: 'session', user: usable, sessionId: '', csrfToken };
    return presentMe(principal, deps, csrfToken);
  },
});

export const logout = defineRoute({
  method: 'post',
  path: '/auth/logout',
  operationId: 'logout',
  summary: 'Sign out: ends this session',
  tag: TAG,
  access: { kind: 'session' },
  response: null,
  async handler({ principal, deps, koa, audit }) {
    if (principal.kind === 'session') await deps.repos.sessions.delete(principal.sessionId);
    clearSessionCookie(koa, secureCookies(deps));
    audit({ action: 'auth.logout', targetType: 'user', targetId: principal.user.id, tenantId: null });
  },
});

export const me = defineRoute({
  method: 'get',
  path: '/auth/me',
  operationId: 'getMe',
  summary: 'The caller: user, tenants and roles, CSRF token',
  tag: TAG,
  access: { kind: 'user' },
  response: meSchema,
  async handler({ principal, deps }) {
    return presentMe(principal, deps, principal.kind === 'session' ? principal.csrfToken : null);
  },
});

export const changePassword = defineRoute({
  method: 'post',
  path: '/auth/password',
  operationId: 'changePassword',
  summary: 'Change your password: every session of yours ends, this client gets a new one',
  tag: TAG,
  access: { kind: 'session' },
  body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema }),
  response: meSchema,
  example: { body: { currentPassword: 'correct horse battery staple', newPassword: 'a new, longer passphrase' } },
  async handler({ principal, body, deps, koa, audit }) {
    await assertNotThrottled(deps, principal.user.email, koa.ip);
    if (!(await verifyPassword(principal.user.passwordHash, body.currentPassword))) {
      await countFailure(deps, principal.user.email, koa.ip);
      throw new ApiError(403, 'wrong_password', 'the current password is wrong');
    }
    await deps.repos.users.setPassword(principal.user.id, await hashPassword(body.newPassword));
    await deps.repos.sessions.deleteForUser(principal.user.id);
    const { csrfToken } = await startSession(koa, deps, principal.user);
    audit({ action: 'user.password_changed', targetType: 'user', targetId: principal.user.id, tenantId: null });
    return presentMe(principal, deps, csrfToken);
  },
});

export const setPassword = defineRoute({
  method: 'post',
  path: '/auth/set-password',
  operationId: 'setPassword',
  summary: 'Accept an invitation: set your password with the one-time token you were given',
  tag: TAG,
  access: { kind: 'public' },
  body: z.object({ token: z.string().min(1).max(200), password: passwordSchema }),
  response: null,
  example: { body: { token: 'sbi_...', password: 'a long passphrase of mine' } },
  async handler({ body, deps, koa, audit }) {
    const ipBlocked = await blockedForMs(deps.limiters.loginIp, koa.ip);
    if (ipBlocked > 0) throw tooManyRequests(ipBlocked, 'too many failed attempts');
    const user = await deps.repos.users.findByPasswordToken(hashToken(body.token), deps.now());
    if (!user || user.disabled) {
      await consumeQuietly(deps.limiters.loginIp, koa.ip);
      throw new ApiError(400, 'token_invalid', 'this set-password token is unknown, used or expired: ask an administrator for a new invitation');
    }
    await deps.repos.users.setPassword(user.id, await hashPassword(body.password));
    await deps.repos.sessions.deleteForUser(user.id);
    audit({ action: 'user.password_set', targetType: 'user', targetId: user.id, tenantId: null, actorUserId: user.id });
  },
});

export const AUTH_ROUTES = [login, logout, me, changePassword, setPassword];
