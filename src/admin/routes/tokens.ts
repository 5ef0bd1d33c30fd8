import { z } from 'zod';
import type { ApiToken } from '../../store/repositories/index.js';
import { API_TOKEN_PREFIX } from '../auth/authenticate.js';
import { ROLES } from '../auth/principal.js';
import { hashToken, newSecretToken } from '../auth/secret-tokens.js';
import { forbidden, notFound } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { id, iso, isoOrNull, roleSchema, tenantParams, timestamp } from '../schemas/common.js';

const TAG = 'api tokens';
const DAY_MS = 24 * 3600_000;

const tokenSchema = z.object({
  id,
  name: z.string(),
  role: roleSchema,
  userId: id,
  lastUsedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  createdAt: timestamp,
});

function presentToken(token: ApiToken): z.input<typeof tokenSchema> {
  return {
    id: token.id,
    name: token.name,
    role: token.role as z.infer<typeof roleSchema>,
    userId: token.userId,
    lastUsedAt: isoOrNull(token.lastUsedAt),
    expiresAt: isoOrNull(token.expiresAt),
    createdAt: iso(token.createdAt),
  };
}

/** Tokens are managed from a signed-in browser only: a token cannot mint or revoke tokens. */
const access = { kind: 'tenant', roles: ROLES, sessionOnly: true } as const;

export const listTokens = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/tokens',
  operationId: 'listApiTokens',
  summary: "Your API tokens in this tenant (a tenant admin sees everyone's)",
  tag: TAG,
  access,
  params: tenantParams,
  response: z.object({ items: z.array(tokenSchema) }),
  async handler({ tenant, principal, deps }) {
    const tokens = await deps.repos.apiTokens.list(tenant.id, tenant.role === 'admin' ? undefined : principal.user.id);
    return { items: tokens.map(presentToken) };
  },
});

export const createToken = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/tokens',
  operationId: 'createApiToken',
  summary: 'Make a personal API token for this tenant; the token is in this answer only',
  tag: TAG,
  access,
  params: tenantParams,
  body: z.object({
    name: z.string().trim().min(1).max(100),
    /** @defaultValue your role in the tenant */
    role: roleSchema.optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  }),
  response: z.object({ token: tokenSchema, secret: z.string().meta({ description: 'Authorization: Bearer <secret>; shown once' }) }),
  status: 201,
  example: { body: { name: 'ci deploy', role: 'builder', expiresInDays: 90 } },
  async handler({ tenant, principal, body, deps, audit }) {
    const role = body.role ?? tenant.role;
    if (role !== tenant.role && tenant.role !== 'admin') throw forbidden('role_forbidden', `a ${tenant.role} can make ${tenant.role} tokens only`);
    const secret = newSecretToken(API_TOKEN_PREFIX);
    const now = deps.now();
    const token = await deps.repos.apiTokens.create({
      userId: principal.user.id,
      tenantId: tenant.id,
      name: body.name,
      role,
      tokenHash: hashToken(secret),
      expiresAt: body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * DAY_MS) : null,
    });
    const presented = presentToken(token);
    audit({ action: 'api_token.created', targetType: 'api_token', targetId: token.id, after: presented });
    return { token: presented, secret };
  },
});

export const revokeToken = defineRoute({
  method: 'delete',
  path: '/tenants/:tenantId/tokens/:tokenId',
  operationId: 'revokeApiToken',
  summary: 'Revoke an API token (yours; a tenant admin may revoke any)',
  tag: TAG,
  access,
  params: tenantParams.extend({ tokenId: id }),
  response: null,
  async handler({ tenant, principal, params, deps, audit }) {
    const token = await deps.repos.apiTokens.get(tenant.id, params.tokenId);
    if (!token || (token.userId !== principal.user.id && tenant.role !== 'admin')) throw notFound('API token');
    await deps.repos.apiTokens.delete(tenant.id, token.id);
    audit({ action: 'api_token.revoked', targetType: 'api_token', targetId: token.id, before: presentToken(token) });
  },
});

export const TOKEN_ROUTES = [listTokens, createToken, revokeToken];
