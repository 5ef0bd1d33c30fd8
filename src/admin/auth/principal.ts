import type { Role, User } from '../../store/repositories/index.js';

export const ROLES = ['admin', 'builder', 'operator'] as const satisfies readonly Role[];
export type { Role };

/** Who is calling: a signed-in browser (cookie session) or automation (personal API token). */
export type Principal =
  | { kind: 'session'; user: User; sessionId: string; csrfToken: string }
  | { kind: 'token'; user: User; tokenId: string; tenantId: string; role: Role };

/** The key mutation rate limits count under. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'session' ? `s:${principal.sessionId}` : `t:${principal.tokenId}`;
}
