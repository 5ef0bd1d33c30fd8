import { z } from 'zod';
import { applyTenantYaml, POSTED_FILE } from '../config/apply-yaml.js';
import { exportTenant } from '../config/tenant-export.js';
import { notFound } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { tenantParams } from '../schemas/common.js';

const TAG = 'config';
const builders = { kind: 'tenant', roles: ['admin', 'builder'] } as const;
const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'] as const;

const EXAMPLE = `version: 1
tenants:
  - slug: acme
    name: Acme Support
    workflows: []
    bots: []
`;

export const exportConfig = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/config.yaml',
  operationId: 'exportConfig',
  summary:
    "The tenant's workflows and bots as the declarative YAML `switchboard config apply` reads (same bytes as `switchboard config export`); secrets are ${ENV} references listed in the leading comment",
  tag: TAG,
  access: builders,
  params: tenantParams,
  response: z.string(),
  textResponse: 'application/yaml; charset=utf-8',
  async handler({ tenant, deps }) {
    const row = await deps.repos.tenants.get(tenant.id);
    if (!row) throw notFound('tenant');
    return (await exportTenant(deps, row)).text;
  },
});

export const applyConfig = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/config',
  operationId: 'applyConfig',
  summary: `Apply a declarative YAML file to this tenant (body: ${YAML_TYPES.join(' or ')}); idempotent. A secret's \${ENV} reference keeps the stored value; errors name line and field (details.fields[].line of ${POSTED_FILE})`,
  tag: TAG,
  access: builders,
  params: tenantParams,
  body: z.string().min(1),
  textBody: YAML_TYPES,
  response: z.object({
    changed: z.array(z.object({ kind: z.enum(['tenant', 'workflow', 'bot']), name: z.string(), id: z.string() })),
    unchanged: z.number().int(),
  }),
  example: { body: EXAMPLE },
  async handler({ tenant, body, deps, audit }) {
    const report = await applyTenantYaml(deps, tenant.id, body);
    const result = { changed: report.changed, unchanged: report.unchanged };
    audit({ action: 'config.applied', targetType: 'tenant', targetId: tenant.id, after: result });
    return result;
  },
});

export const CONFIG_ROUTES = [exportConfig, applyConfig];
