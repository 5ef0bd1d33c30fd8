import { z } from 'zod';
import { resourceNameSchema } from '../../config/declarative-schema.js';
import { ConfigError } from '../../errors.js';
import { maskSecret } from '../../store/repositories/mask.js';
import { RESPONSE_MODES, WORKFLOW_KINDS, type WorkflowInput, type WorkflowSummary } from '../../store/repositories/workflows.js';
import { httpBackendSettings, renderInputs, TEMPLATE_FIELDS, validateTemplate, workflowSettings } from '../../workflow-client/index.js';
import type { WorkflowConfig } from '../../workflow-client/types.js';
import { ROLES } from '../auth/principal.js';
import type { AdminDeps } from '../deps.js';
import { expectedVersion, nextUpdatedAt } from '../http/etag.js';
import { conflict, conflictOnDuplicate, notFound, preconditionFailed, ValidationError } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { id, iso, tenantParams, timestamp } from '../schemas/common.js';

const TAG = 'workflows';

const workflowSchema = z.object({
  id,
  name: z.string(),
  kind: z.enum(WORKFLOW_KINDS as [WorkflowConfig['kind'], ...WorkflowConfig['kind'][]]),
  baseUrl: z.string(),
  /** Masked (write-only); send the mask back unchanged to keep the stored key. */
  apiKey: z.string(),
  inputMapping: z.record(z.string(), z.string()),
  outputSelector: z.string().nullable(),
  responseMode: z.enum(RESPONSE_MODES),
  timeoutMs: z.number().int(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

function presentWorkflow(w: WorkflowSummary): z.input<typeof workflowSchema> {
  return {
    id: w.id,
    name: w.name,
    kind: w.kind,
    baseUrl: w.baseUrl,
    apiKey: w.apiKeyMasked,
    inputMapping: w.inputMapping,
    outputSelector: w.outputSelector,
    responseMode: w.responseMode,
    timeoutMs: w.timeoutMs,
    settings: w.settings,
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
}

export async function loadWorkflow(deps: AdminDeps, tenantId: string, workflowId: string): Promise<WorkflowSummary> {
  const workflow = await deps.repos.workflows.get(tenantId, workflowId);
  if (!workflow) throw notFound('workflow');
  return workflow;
}

/** Each input template must parse now, not at the first message: 422 naming the input. */
export function assertInputMapping(mapping: Record<string, string>): void {
  const issues = Object.entries(mapping).flatMap(([input, template]) =>
    validateTemplate(template).map((problem) => ({ in: 'body' as const, path: `inputMapping.${input}`, code: 'template_invalid', message: problem })),
  );
  if (issues.length > 0) throw new ValidationError(issues);
}

/** The settings the workflow client will read must parse now, not at the first message. */
export function assertSettings(kind: string, settings: Record<string, unknown>): void {
  try {
    workflowSettings({ settings });
    if (kind === 'http') httpBackendSettings({ settings });
  } catch (err) {
    if (err instanceof ConfigError) throw new ValidationError([{ in: 'body', path: 'settings', code: err.code, message: err.message }]);
    throw err;
  }
}

export const workflowFields = {
  name: resourceNameSchema,
  kind: z.enum(WORKFLOW_KINDS as [WorkflowConfig['kind'], ...WorkflowConfig['kind'][]]),
  baseUrl: z.url({ protocol: /^https?$/ }).max(2048),
  apiKey: z.string().min(1).max(4096).meta({ writeOnly: true }),
  inputMapping: z.record(z.string().max(128), z.string().max(4096)),
  outputSelector: z.string().min(1).max(256).nullable(),
  responseMode: z.enum(RESPONSE_MODES),
  timeoutMs: z.number().int().min(1000).max(900_000),
  settings: z.record(z.string(), z.unknown()),
};

/** A new workflow's values, defaults filled in (creating one, testing one before it is saved). */
export const newWorkflowInput = z.strictObject({
  ...workflowFields,
  inputMapping: workflowFields.inputMapping.default({}),
  outputSelector: workflowFields.outputSelector.default(null),
  responseMode: workflowFields.responseMode.default('streaming'),
  timeoutMs: workflowFields.timeoutMs.default(120_000),
  settings: workflowFields.settings.default({}),
});

const builders = { kind: 'tenant', roles: ['admin', 'builder'] } as const;
const workflowParams = tenantParams.extend({ workflowId: id });

export const listWorkflows = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/workflows',
  operationId: 'listWorkflows',
  summary: "The tenant's workflows (keys masked)",
  tag: TAG,
  access: { kind: 'tenant', roles: ROLES },
  params: tenantParams,
  response: z.object({ items: z.array(workflowSchema) }),
  async handler({ tenant, deps }) {
    return { items: (await deps.repos.workflows.list(tenant.id)).map(presentWorkflow) };
  },
});

export const getWorkflow = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/workflows/:workflowId',
  operationId: 'getWorkflow',
  summary: 'One workflow (key masked); its ETag for If-Match',
  tag: TAG,
  access: { kind: 'tenant', roles: ROLES },
  params: workflowParams,
  response: workflowSchema,
  async handler({ tenant, params, deps, setEtag }) {
    const workflow = await loadWorkflow(deps, tenant.id, params.workflowId);
    setEtag(workflow.updatedAt);
    return presentWorkflow(workflow);
  },
});

export const createWorkflow = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/workflows',
  operationId: 'createWorkflow',
  summary: 'Create a workflow (a Dify app or a generic HTTP backend)',
  tag: TAG,
  access: builders,
  params: tenantParams,
  body: newWorkflowInput,
  response: workflowSchema,
  status: 201,
  example: { body: { name: 'support-chat', kind: 'dify_chat', baseUrl: 'https://dify.example.com/v1', apiKey: 'app-xxxxxxxxxxxxxxxx', inputMapping: { customer: '{{sender.id}}' }, responseMode: 'streaming', timeoutMs: 120000, settings: {} } },
  async handler({ tenant, body, deps, audit, setEtag }) {
    assertInputMapping(body.inputMapping);
    assertSettings(body.kind, body.settings);
    const workflowId = await conflictOnDuplicate(deps.repos.workflows.create({ ...body, tenantId: tenant.id }), 'name_taken', `this tenant has a workflow named ${body.name}`);
    const workflow = await loadWorkflow(deps, tenant.id, workflowId);
    const presented = presentWorkflow(workflow);
    audit({ action: 'workflow.created', targetType: 'workflow', targetId: workflowId, after: presented });
    setEtag(workflow.updatedAt);
    return presented;
  },
});

export const updateWorkflow = defineRoute({
  method: 'patch',
  path: '/tenants/:tenantId/workflows/:workflowId',
  operationId: 'updateWorkflow',
  summary: 'Change a workflow; the masked apiKey sent back keeps the stored key; settings and inputMapping replace the whole object',
  tag: TAG,
  access: builders,
  params: workflowParams,
  body: z.strictObject(Object.fromEntries(Object.entries(workflowFields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof workflowFields]: z.ZodOptional<(typeof workflowFields)[K]> }),
  response: workflowSchema,
  ifMatch: true,
  example: { body: { timeoutMs: 60000, settings: { fallbackText: 'Sorry, try again later.' } } },
  async handler({ tenant, params, body, deps, ifMatch, audit, setEtag }) {
    const before = await loadWorkflow(deps, tenant.id, params.workflowId);
    const stored = await deps.repos.workflows.getConfig(tenant.id, before.id);
    if (!stored) throw notFound('workflow');
    const next: WorkflowInput = {
      tenantId: tenant.id,
      name: body.name ?? before.name,
      kind: body.kind ?? before.kind,
      baseUrl: body.baseUrl ?? before.baseUrl,
      apiKey: body.apiKey === undefined || body.apiKey === maskSecret(stored.apiKey) ? stored.apiKey : body.apiKey,
      inputMapping: body.inputMapping ?? before.inputMapping,
      outputSelector: body.outputSelector !== undefined ? body.outputSelector : before.outputSelector,
      responseMode: body.responseMode ?? before.responseMode,
      timeoutMs: body.timeoutMs ?? before.timeoutMs,
      settings: body.settings ?? before.settings,
    };
    assertInputMapping(next.inputMapping);
    assertSettings(next.kind, next.settings);
    const expected = expectedVersion(ifMatch, before.updatedAt);
    const replacing = deps.repos.workflows.replace(before.id, next, expected, nextUpdatedAt(before.updatedAt, deps.now()));
    if (!(await conflictOnDuplicate(replacing, 'name_taken', `this tenant has a workflow named ${next.name}`))) throw preconditionFailed();
    const after = await loadWorkflow(deps, tenant.id, before.id);
    audit({ action: 'workflow.updated', targetType: 'workflow', targetId: before.id, before: presentWorkflow(before), after: presentWorkflow(after) });
    setEtag(after.updatedAt);
    return presentWorkflow(after);
  },
});

export const deleteWorkflow = defineRoute({
  method: 'delete',
  path: '/tenants/:tenantId/workflows/:workflowId',
  operationId: 'deleteWorkflow',
  summary: 'Delete a workflow no bot is bound to (409 naming the bots otherwise)',
  tag: TAG,
  access: builders,
  params: workflowParams,
  response: null,
  ifMatch: true,
  async handler({ tenant, params, deps, ifMatch, audit }) {
    const before = await loadWorkflow(deps, tenant.id, params.workflowId);
    const expected = expectedVersion(ifMatch, before.updatedAt);
    const bound = await deps.repos.bots.listByWorkflow(tenant.id, before.id);
    if (bound.length > 0) throw conflict('workflow_in_use', `bound to ${bound.map((b) => b.name).join(', ')}: bind those bots elsewhere first`);
    if (!(await deps.repos.workflows.delete(tenant.id, before.id, expected))) throw preconditionFailed();
    audit({ action: 'workflow.deleted', targetType: 'workflow', targetId: before.id, before: presentWorkflow(before) });
  },
});

export const previewInputs = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/workflows/preview-inputs',
  operationId: 'previewWorkflowInputs',
  summary: 'Render an input mapping against a sample message (nothing is saved or sent)',
  tag: TAG,
  access: builders,
  params: tenantParams,
  body: z.strictObject({
    inputMapping: workflowFields.inputMapping,
    sample: z
      .strictObject({
        platform: z.string().max(32).default('wecom'),
        text: z.string().max(4000).default('Hello, where is my order #1234?'),
        senderId: z.string().max(128).default('user-1'),
        senderName: z.string().max(128).optional(),
        conversationType: z.enum(['direct', 'group']).default('direct'),
        threadId: z.string().max(128).optional(),
      })
      .default({ platform: 'wecom', text: 'Hello, where is my order #1234?', senderId: 'user-1', conversationType: 'direct' }),
  }),
  response: z.object({ inputs: z.record(z.string(), z.string()), fields: z.array(z.string()).meta({ description: 'what {{ }} may name' }) }),
  readOnly: true,
  example: { body: { inputMapping: { customer: '{{sender.id}}', question: 'Q: {{message.text}}' }, sample: { text: 'Where is my parcel?' } } },
  async handler({ tenant, body, deps }) {
    assertInputMapping(body.inputMapping);
    const { sample } = body;
    const inputs = renderInputs(body.inputMapping, {
      platform: sample.platform,
      message: { id: 'sample-message', text: sample.text, receivedAt: deps.now().toISOString() },
      sender: { id: sample.senderId, name: sample.senderName },
      conversation: { id: 'sample-conversation', type: sample.conversationType, threadId: sample.threadId },
      bot: { id: 'sample-bot', name: 'sample-bot' },
      tenant: { id: tenant.id },
    });
    return { inputs, fields: [...TEMPLATE_FIELDS] };
  },
});

export const WORKFLOW_ROUTES = [listWorkflows, previewInputs, getWorkflow, createWorkflow, updateWorkflow, deleteWorkflow];
