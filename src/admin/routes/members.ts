import { z } from 'zod';
import type { Membership, User } from '../../store/repositories/index.js';
import type { Role } from '../auth/principal.js';
import { hashToken, newSecretToken } from '../auth/secret-tokens.js';
import type { AdminDeps } from '../deps.js';
import { conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { emailSchema, id, iso, isoOrNull, roleSchema, tenantParams, timestamp } from '../schemas/common.js';

const TAG = 'members';
const INVITATION_TTL_MS = 7 * 24 * 3600_000;

const memberSchema = z.object({
  userId: id,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  /** Invited, has not set a password yet. */
  pending: z.boolean(),
  lastLoginAt: timestamp.nullable(),
  joinedAt: timestamp,
});

const invitationSchema = z
  .object({
    token: z.string().meta({ description: 'one-time set-password token, shown once: POST /api/v1/auth/set-password' }),
    url: z.string(),
    expiresAt: timestamp,
  })
  .nullable();

function presentMember(user: User, membership: Membership): z.input<typeof memberSchema> {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: membership.role as Role,
    pending: user.passwordHash === '',
    lastLoginAt: isoOrNull(user.lastLoginAt),
    joinedAt: iso(membership.createdAt),
  };
}

/** A new one-time set-password token: the caller stores its hash; the token itself goes out once, in the answer. */
function newInvitation(deps: AdminDeps): { hash: string; expiresAt: Date; shown: NonNullable<z.input<typeof invitationSchema>> } {
  const token = newSecretToken('sbi');
  const expiresAt = new Date(deps.now().getTime() + INVITATION_TTL_MS);
  const base = deps.publicBaseUrl?.replace(/\/$/, '') ?? '';
  return { hash: hashToken(token), expiresAt, shown: { token, url: `${base}/admin/set-password#token=${token}`, expiresAt: iso(expiresAt) } };
}

async function memberOf(deps: AdminDeps, tenantId: string, userId: string): Promise<{ user: User; membership: Membership }> {
  const membership = await deps.repos.memberships.get(tenantId, userId);
  const user = membership ? await deps.repos.users.get(userId) : null;
  if (!membership || !user) throw notFound('member');
  return { user, membership };
}

/** A tenant keeps at least one admin member (instance admins aside, who are not members). */
async function assertNotLastAdmin(deps: AdminDeps, tenantId: string, membership: Membership): Promise<void> {
  if (membership.role === 'admin' && (await deps.repos.memberships.countAdmins(tenantId)) <= 1) {
    throw conflict('last_admin', 'this is the last admin of the tenant: make someone else admin first');
  }
}

const adminOnly = { kind: 'tenant', roles: ['admin'] } as const;
const memberParams = tenantParams.extend({ userId: id });

export const listMembers = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/members',
  operationId: 'listMembers',
  summary: 'Members of the tenant and their roles',
  tag: TAG,
  access: adminOnly,
  params: tenantParams,
  response: z.object({ items: z.array(memberSchema) }),
  async handler({ tenant, deps }) {
    const [users, memberships] = await Promise.all([deps.repos.users.listForTenant(tenant.id), deps.repos.memberships.listForTenant(tenant.id)]);
    const byUser = new Map(memberships.map((m) => [m.userId, m]));
    return { items: users.flatMap((u) => (byUser.has(u.id) ? [presentMember(u, byUser.get(u.id) as Membership)] : [])) };
  },
});

export const addMember = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/members',
  operationId: 'addMember',
  summary: 'Add a member: an existing user joins; a new address gets an invitation (a one-time set-password token)',
  tag: TAG,
  access: adminOnly,
  params: tenantParams,
  body: z.object({ email: emailSchema, role: roleSchema, name: z.string().trim().min(1).max(200).optional() }),
  response: z.object({ member: memberSchema, invitation: invitationSchema }),
  status: 201,
  example: { body: { email: 'builder@example.com', role: 'builder', name: 'Bea Builder' } },
  async handler({ tenant, body, deps, audit }) {
    let user = await deps.repos.users.getByEmail(body.email);
    let invitation: z.input<typeof invitationSchema> = null;
    if (user && (await deps.repos.memberships.get(tenant.id, user.id))) throw conflict('already_member', `${body.email} is a member already`);
    if (!user) {
      const fresh = newInvitation(deps);
      const creating = deps.repos.users.createInvited({
        email: body.email,
        name: body.name ?? body.email.split('@')[0] ?? body.email,
        passwordTokenHash: fresh.hash,
        passwordTokenExpiresAt: fresh.expiresAt,
      });
      user = await conflictOnDuplicate(creating, 'already_member', `${body.email} was added meanwhile`);
      invitation = fresh.shown;
    }
    const membership = await deps.repos.memberships.grant({ tenantId: tenant.id, userId: user.id, role: body.role });
    const member = presentMember(user, membership);
    audit({ action: 'member.added', targetType: 'user', targetId: user.id, after: { ...member, invited: invitation !== null } });
    return { member, invitation };
  },
});

export const reinvite = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/members/:userId/invitation',
  operationId: 'renewInvitation',
  summary: 'A new invitation token for a member who has not set a password yet (the old one stops working)',
  tag: TAG,
  access: adminOnly,
  params: memberParams,
  response: z.object({ invitation: invitationSchema }),
  status: 201,
  async handler({ tenant, params, deps, audit }) {
    const { user } = await memberOf(deps, tenant.id, params.userId);
    if (user.passwordHash !== '') throw conflict('already_active', 'this member has set a password already');
    const fresh = newInvitation(deps);
    await deps.repos.users.setPasswordToken(user.id, fresh.hash, fresh.expiresAt);
    const invitation = fresh.shown;
    audit({ action: 'member.invitation_renewed', targetType: 'user', targetId: user.id });
    return { invitation };
  },
});

export const changeRole = defineRoute({
  method: 'put',
  path: '/tenants/:tenantId/members/:userId',
  operationId: 'changeMemberRole',
  summary: "Change a member's role",
  tag: TAG,
  access: adminOnly,
  params: memberParams,
  body: z.object({ role: roleSchema }),
  response: memberSchema,
  example: { body: { role: 'operator' } },
  async handler({ tenant, params, body, deps, audit }) {
    const { user, membership } = await memberOf(deps, tenant.id, params.userId);
    if (body.role !== 'admin') await assertNotLastAdmin(deps, tenant.id, membership);
    const updated = await deps.repos.memberships.grant({ tenantId: tenant.id, userId: user.id, role: body.role });
    const after = presentMember(user, updated);
    audit({ action: 'member.role_changed', targetType: 'user', targetId: user.id, before: presentMember(user, membership), after });
    return after;
  },
});

export const removeMember = defineRoute({
  method: 'delete',
  path: '/tenants/:tenantId/members/:userId',
  operationId: 'removeMember',
  summary: 'Remove a member from the tenant (their API tokens for it are revoked)',
  tag: TAG,
  access: adminOnly,
  params: memberParams,
  response: null,
  async handler({ tenant, params, deps, audit }) {
    const { user, membership } = await memberOf(deps, tenant.id, params.userId);
    await assertNotLastAdmin(deps, tenant.id, membership);
    await deps.repos.memberships.revoke(tenant.id, user.id);
    await deps.repos.apiTokens.deleteForMember(tenant.id, user.id);
    audit({ action: 'member.removed', targetType: 'user', targetId: user.id, before: presentMember(user, membership) });
  },
});

export const MEMBER_ROUTES = [listMembers, addMember, reinvite, changeRole, removeMember];
