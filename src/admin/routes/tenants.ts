import { z } from 'zod';
import { resourceNameSchema } from '../../config/declarative-schema.js';
import type { Tenant } from '../../store/repositories/index.js';
import { ROLES } from '../auth/principal.js';
import { expectedVersion, nextUpdatedAt } from '../http/etag.js';
import { conflictOnDuplicate, notFound, preconditionFailed } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { id, iso, tenantParams, timestamp } from '../schemas/common.js';
import { tenantAccessSchema, tenantsOf } from '../schemas/users.js';

const TAG = 'tenants';

const tenantSchema = z.object({ id, slug: z.string(), name: z.string(), createdAt: timestamp, updatedAt: timestamp });

function presentTenant(tenant: Tenant): z.input<typeof tenantSchema> {
  return { id: tenant.id, slug: tenant.slug, name: tenant.name, createdAt: iso(tenant.createdAt), updatedAt: iso(tenant.updatedAt) };
}

const tenantName = z.string().trim().min(1).max(200);

export const listTenants = defineRoute({
  method: 'get',
  path: '/tenants',
  operationId: 'listTenants',
  summary: 'The tenants you may act in, with your role there',
  tag: TAG,
  access: { kind: 'user' },
  response: z.object({ items: z.array(tenantAccessSchema) }),
  async handler({ principal, deps }) {
    return { items: await tenantsOf(principal, deps) };
  },
});

export const createTenant = defineRoute({
  method: 'post',
  path: '/tenants',
  operationId: 'createTenant',
  summary: 'Create a tenant (instance administrators)',
  tag: TAG,
  access: { kind: 'instanceAdmin' },
  body: z.object({ slug: resourceNameSchema, name: tenantName }),
  response: tenantSchema,
  status: 201,
  example: { body: { slug: 'acme', name: 'Acme Corp' } },
  async handler({ body, deps, audit, setEtag }) {
    const tenant = await conflictOnDuplicate(deps.repos.tenants.create(body), 'slug_taken', `a tenant with the slug ${body.slug} exists`);
    const presented = presentTenant(tenant);
    audit({ action: 'tenant.created', targetType: 'tenant', targetId: tenant.id, tenantId: tenant.id, after: presented });
    setEtag(tenant.updatedAt);
    return presented;
  },
});

export const getTenant = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId',
  operationId: 'getTenant',
  summary: 'One tenant',
  tag: TAG,
  access: { kind: 'tenant', roles: ROLES },
  params: tenantParams,
  response: tenantSchema,
  async handler({ tenant, deps, setEtag }) {
    const row = await deps.repos.tenants.get(tenant.id);
    if (!row) throw notFound('tenant');
    setEtag(row.updatedAt);
    return presentTenant(row);
  },
});

export const updateTenant = defineRoute({
  method: 'patch',
  path: '/tenants/:tenantId',
  operationId: 'updateTenant',
  summary: 'Rename a tenant (the slug stays)',
  tag: TAG,
  access: { kind: 'tenant', roles: ['admin'] },
  params: tenantParams,
  body: z.object({ name: tenantName }),
  response: tenantSchema,
  ifMatch: true,
  example: { body: { name: 'Acme Corporation' } },
  async handler({ tenant, body, deps, ifMatch, audit, setEtag }) {
    const before = await deps.repos.tenants.get(tenant.id);
    if (!before) throw notFound('tenant');
    const expected = expectedVersion(ifMatch, before.updatedAt);
    if (!(await deps.repos.tenants.rename(tenant.id, body.name, expected, nextUpdatedAt(before.updatedAt, deps.now())))) throw preconditionFailed();
    const after = await deps.repos.tenants.get(tenant.id);
    if (!after) throw notFound('tenant');
    audit({ action: 'tenant.updated', targetType: 'tenant', targetId: tenant.id, before: presentTenant(before), after: presentTenant(after) });
    setEtag(after.updatedAt);
    return presentTenant(after);
  },
});

const auditEntrySchema = z.object({
  id,
  action: z.string(),
  actorUserId: id.nullable(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: timestamp,
});

export const listAudit = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/audit',
  operationId: 'listAuditLog',
  summary: "The tenant's audit log, newest first (secrets masked)",
  tag: TAG,
  access: { kind: 'tenant', roles: ['admin'] },
  params: tenantParams,
  query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: id.optional() }),
  response: z.object({ items: z.array(auditEntrySchema), nextCursor: id.nullable() }),
  async handler({ tenant, query, deps }) {
    const rows = await deps.repos.audit.list(tenant.id, { limit: query.limit, cursor: query.cursor });
    return {
      items: rows.map((r) => ({
        id: r.id,
        action: r.action,
        actorUserId: r.actorUserId,
        targetType: r.targetType,
        targetId: r.targetId,
        details: r.details !== null && typeof r.details === 'object' && !Array.isArray(r.details) ? (r.details as Record<string, unknown>) : null,
        requestId: r.requestId,
        ip: r.ip,
        createdAt: iso(r.createdAt),
      })),
      nextCursor: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null,
    };
  },
});

export const TENANT_ROUTES = [listTenants, createTenant, getTenant, updateTenant, listAudit];
