import { z } from 'zod';
import type { Tenant, User } from '../../store/repositories/index.js';
import type { Principal, Role } from '../auth/principal.js';
import type { AdminDeps } from '../deps.js';
import { id, iso, isoOrNull, roleSchema, timestamp } from './common.js';

export const userSchema = z.object({
  id,
  email: z.string(),
  name: z.string(),
  isInstanceAdmin: z.boolean(),
  lastLoginAt: timestamp.nullable(),
  createdAt: timestamp,
});

export const tenantAccessSchema = z.object({ tenantId: id, slug: z.string(), name: z.string(), role: roleSchema });

export const meSchema = z.object({
  user: userSchema,
  /** The tenants the caller may act in, with the role there (instance admins: every tenant, as admin). */
  tenants: z.array(tenantAccessSchema),
  /** Send it as X-CSRF-Token on every change made with the session cookie; null for API tokens. */
  csrfToken: z.string().nullable(),
  via: z.enum(['session', 'token']),
});

export function presentUser(user: User): z.input<typeof userSchema> {
  return { id: user.id, email: user.email, name: user.name, isInstanceAdmin: user.isSuperAdmin, lastLoginAt: isoOrNull(user.lastLoginAt), createdAt: iso(user.createdAt) };
}

/** The tenants a caller may act in and the role there. */
export async function tenantsOf(principal: Principal, deps: AdminDeps): Promise<z.input<typeof tenantAccessSchema>[]> {
  const access = (tenant: Tenant, role: Role) => ({ tenantId: tenant.id, slug: tenant.slug, name: tenant.name, role });
  if (principal.kind === 'token') {
    const tenant = await deps.repos.tenants.get(principal.tenantId);
    return tenant ? [access(tenant, principal.role)] : [];
  }
  if (principal.user.isSuperAdmin) return (await deps.repos.tenants.list()).map((t) => access(t, 'admin'));
  const [tenants, memberships] = await Promise.all([deps.repos.tenants.listForUser(principal.user.id), deps.repos.memberships.listForUser(principal.user.id)]);
  const roles = new Map(memberships.map((m) => [m.tenantId, m.role as Role]));
  return tenants.flatMap((t) => {
    const role = roles.get(t.id);
    return role ? [access(t, role)] : [];
  });
}

export async function presentMe(principal: Principal, deps: AdminDeps, csrfToken: string | null): Promise<z.input<typeof meSchema>> {
  return { user: presentUser(principal.user), tenants: await tenantsOf(principal, deps), csrfToken, via: principal.kind };
}
