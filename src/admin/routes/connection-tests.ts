import { z } from 'zod';
import { PLATFORMS, type BotRuntime } from '../../adapters/types.js';
import { resourceNameSchema } from '../../config/declarative-schema.js';
import { isMaskedSecret, maskSecret } from '../../store/repositories/mask.js';
import type { WorkflowConfig } from '../../workflow-client/types.js';
import { validateBotConfig } from '../bots/validate-bot.js';
import { checkBot, checkReportSchema, checkWorkflow } from '../checks/run-checks.js';
import type { AdminDeps } from '../deps.js';
import { notFound, ValidationError, type FieldIssue } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { id, tenantParams } from '../schemas/common.js';
import { credentialsInput, loadBot } from './bots.js';
import { assertInputMapping, assertSettings, loadWorkflow, newWorkflowInput, workflowFields } from './workflows.js';

const builders = { kind: 'tenant', roles: ['admin', 'builder'] } as const;

/** A placeholder for the id an unsaved bot's callback URL gets once it is saved. */
const UNSAVED_BOT_ID = 'BOT_ID';

const savedIdNote = 'The id of the saved bot or workflow whose stored secrets a masked value sent back stands for.';

const maskIssue = (path: string, hasId: boolean): FieldIssue => ({
  in: 'body',
  path,
  code: 'masked_value',
  message: hasId
    ? 'this is a masked value, but no such secret is stored for it: enter the value'
    : 'a masked value stands for a stored secret only when the id of the saved resource is given: enter the value',
});

/**
 * The values to test: a mask sent back (as GET shows it) is replaced by the stored secret it masks, when the saved
 * resource has that field; any other mask is a 422, so a check never runs with a mask as the secret.
 */
function unmask(values: Record<string, string>, stored: Record<string, string> | undefined, prefix: string): Record<string, string> {
  const issues: FieldIssue[] = [];
  const resolved: Record<string, string> = {};
  for (const [field, value] of Object.entries(values)) {
    const kept = stored?.[field];
    if (kept !== undefined && value === maskSecret(kept)) resolved[field] = kept;
    else if (isMaskedSecret(value)) issues.push(maskIssue(`${prefix}${field}`, stored !== undefined));
    else resolved[field] = value;
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return resolved;
}

function unknownId(what: string): ValidationError {
  return new ValidationError([{ in: 'body', path: 'id', code: 'not_found', message: `no such ${what} in this tenant` }]);
}

async function storedBot(deps: AdminDeps, tenantId: string, botId: string | undefined) {
  if (botId === undefined) return undefined;
  const bot = await deps.repos.bots.getRecord(tenantId, botId);
  if (!bot) throw unknownId('bot');
  return bot;
}

async function storedWorkflow(deps: AdminDeps, tenantId: string, workflowId: string | undefined) {
  if (workflowId === undefined) return undefined;
  const workflow = await deps.repos.workflows.getConfig(tenantId, workflowId);
  if (!workflow) throw unknownId('workflow');
  return workflow;
}

export const testBot = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/bots/:botId/test',
  operationId: 'testBot',
  summary:
    "Test a saved bot's connection to its platform with its stored credentials: what passed, what failed, what to do, and the setup facts to paste into the platform",
  tag: 'bots',
  access: builders,
  params: tenantParams.extend({ botId: id }),
  response: checkReportSchema,
  readOnly: true,
  async handler({ tenant, params, deps }) {
    const bot = await loadBot(deps, tenant.id, params.botId);
    return checkBot(deps.adapters, bot, deps.logger);
  },
});

export const testUnsavedBot = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/bots/test',
  operationId: 'testUnsavedBot',
  summary:
    "Test a bot's values before saving them (the form's Test connection): checked with the platform's schema first (422), nothing is saved; a masked secret sent back needs the saved bot's id",
  tag: 'bots',
  access: builders,
  params: tenantParams,
  body: z.strictObject({
    id: id.optional().meta({ description: savedIdNote }),
    name: resourceNameSchema.optional(),
    platform: z.enum(PLATFORMS),
    mode: z.string().min(1).max(64),
    credentials: credentialsInput,
    settings: z.record(z.string(), z.unknown()).default({}),
  }),
  response: checkReportSchema,
  readOnly: true,
  example: {
    body: {
      platform: 'wecom',
      mode: 'app',
      credentials: { corpId: 'ww0123456789abcdef', agentId: '1000002', secret: 'app-secret-from-wecom', token: 'CallbackToken123', encodingAesKey: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' },
      settings: {},
    },
  },
  async handler({ tenant, body, deps }) {
    const stored = await storedBot(deps, tenant.id, body.id);
    // A saved bot of another platform has no secret a mask could stand for.
    const storedCredentials = stored && (stored.platform === body.platform ? stored.credentials : {});
    const credentials = unmask(body.credentials, storedCredentials, 'credentials.');
    const valid = validateBotConfig(deps.adapters, { ...body, credentials });
    const bot: BotRuntime = {
      id: stored?.id ?? UNSAVED_BOT_ID,
      tenantId: tenant.id,
      name: body.name ?? stored?.name ?? 'unsaved',
      platform: body.platform,
      mode: body.mode,
      ...valid,
      enabled: true,
      workflowId: null,
    };
    return checkBot(deps.adapters, bot, deps.logger);
  },
});

export const testWorkflow = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/workflows/:workflowId/test',
  operationId: 'testWorkflow',
  summary: "Test a saved workflow with its stored key: reachable, key accepted, app type and required inputs (Dify), as a report",
  tag: 'workflows',
  access: builders,
  params: tenantParams.extend({ workflowId: id }),
  response: checkReportSchema,
  readOnly: true,
  async handler({ tenant, params, deps }) {
    const summary = await loadWorkflow(deps, tenant.id, params.workflowId);
    const config = await deps.repos.workflows.getConfig(tenant.id, summary.id);
    if (!config) throw notFound('workflow');
    return checkWorkflow(config, deps.logger);
  },
});

export const testUnsavedWorkflow = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/workflows/test',
  operationId: 'testUnsavedWorkflow',
  summary: "Test a workflow's values before saving them (nothing is saved); the masked apiKey sent back needs the saved workflow's id",
  tag: 'workflows',
  access: builders,
  params: tenantParams,
  body: newWorkflowInput.extend({ id: id.optional().meta({ description: savedIdNote }), name: workflowFields.name.optional() }),
  response: checkReportSchema,
  readOnly: true,
  example: { body: { kind: 'dify_chat', baseUrl: 'https://dify.example.com/v1', apiKey: 'app-xxxxxxxxxxxxxxxx', inputMapping: { customer: '{{sender.id}}' } } },
  async handler({ tenant, body, deps }) {
    const stored = await storedWorkflow(deps, tenant.id, body.id);
    const { apiKey } = unmask({ apiKey: body.apiKey }, stored && { apiKey: stored.apiKey }, '');
    assertInputMapping(body.inputMapping);
    assertSettings(body.kind, body.settings);
    const config: WorkflowConfig = { ...body, id: stored?.id ?? 'unsaved', tenantId: tenant.id, name: body.name ?? stored?.name ?? 'unsaved', apiKey: apiKey as string };
    return checkWorkflow(config, deps.logger);
  },
});

export const BOT_TEST_ROUTES = [testUnsavedBot, testBot];
export const WORKFLOW_TEST_ROUTES = [testUnsavedWorkflow, testWorkflow];
