import type { Context } from 'koa';

/** Over https the cookie takes the `__Host-` prefix: the browser then insists on Secure, Path=/ and no Domain. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-sb_session' : 'sb_session';
}

/** HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site POSTs), Secure over https. */
export function setSessionCookie(ctx: Context, opts: { secure: boolean; token: string; maxAgeSec: number }): void {
  const parts = [
    `${sessionCookieName(opts.secure)}=${opts.token}`,
    'Path=/',
    `Max-Age=${opts.maxAgeSec}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (opts.secure) parts.push('Secure');
  ctx.append('Set-Cookie', parts.join('; '));
}

export function clearSessionCookie(ctx: Context, secure: boolean): void {
  ctx.append('Set-Cookie', `${sessionCookieName(secure)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}

export function readSessionCookie(ctx: Context, secure: boolean): string | undefined {
  const value = ctx.cookies.get(sessionCookieName(secure));
  return value && /^[A-Za-z0-9_-]{10,200}$/.test(value) ? value : undefined;
}
