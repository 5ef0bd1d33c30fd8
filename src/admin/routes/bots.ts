import { z } from 'zod';
import { PLATFORMS } from '../../adapters/types.js';
import { resourceNameSchema } from '../../config/declarative-schema.js';
import { APPROVAL_POLICIES, type BotInput, type BotRecord } from '../../store/repositories/bots.js';
import { ROLES } from '../auth/principal.js';
import { visibleCredentialFields } from '../bots/platform-schemas.js';
import { maskCredentials, mergeCredentials, validateBotConfig } from '../bots/validate-bot.js';
import type { AdminDeps } from '../deps.js';
import { expectedVersion, nextUpdatedAt, type IfMatch } from '../http/etag.js';
import { conflictOnDuplicate, notFound, preconditionFailed, ValidationError } from '../http/errors.js';
import { defineRoute, type AuditInput } from '../route.js';
import { id, iso, tenantParams, timestamp } from '../schemas/common.js';

const TAG = 'bots';

const botSchema = z.object({
  id,
  name: z.string(),
  platform: z.enum(PLATFORMS),
  mode: z.string(),
  /** Secret fields masked (write-only); send a mask back unchanged to keep the stored value. */
  credentials: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  workflowId: id.nullable(),
  approvalPolicy: z.enum(APPROVAL_POLICIES),
  /** Where the platform sends callbacks (below PUBLIC_BASE_URL). */
  hookPath: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

type Bot = BotRecord & { createdAt: Date };

function presentBot(deps: AdminDeps, bot: Bot): z.input<typeof botSchema> {
  return {
    id: bot.id,
    name: bot.name,
    platform: bot.platform,
    mode: bot.mode,
    credentials: maskCredentials(bot.credentials, visibleCredentialFields(deps.adapters.get(bot.platform), bot.mode)),
    settings: bot.settings,
    enabled: bot.enabled,
    workflowId: bot.workflowId,
    approvalPolicy: bot.approvalPolicy,
    hookPath: `/hooks/${bot.platform}/${bot.id}`,
    createdAt: iso(bot.createdAt),
    updatedAt: iso(bot.updatedAt),
  };
}

export async function loadBot(deps: AdminDeps, tenantId: string, botId: string): Promise<Bot> {
  const bot = await deps.repos.bots.getRecord(tenantId, botId);
  if (!bot) throw notFound('bot');
  return bot;
}

/** A bot may only be bound to a workflow of its own tenant; another tenant's id is just not found. */
async function assertWorkflow(deps: AdminDeps, tenantId: string, workflowId: string | null): Promise<void> {
  if (workflowId !== null && !(await deps.repos.workflows.get(tenantId, workflowId))) {
    throw new ValidationError([{ in: 'body', path: 'workflowId', code: 'not_found', message: 'no such workflow in this tenant' }]);
  }
}

/**
 * Writes the bot's new values if it is still at the version the caller read (412 otherwise), drops it from this
 * process's bot cache so ingress sees the change at once, and records the change.
 */
async function saveBot(
  call: { deps: AdminDeps; tenant: { id: string }; ifMatch: IfMatch; audit(entry: AuditInput): void; setEtag(d: Date): void },
  before: Bot,
  changes: Partial<Omit<BotInput, 'tenantId' | 'id'>>,
  action: string,
): Promise<z.input<typeof botSchema>> {
  const { deps, tenant } = call;
  const next: BotInput = {
    tenantId: tenant.id,
    name: changes.name ?? before.name,
    platform: before.platform,
    mode: changes.mode ?? before.mode,
    credentials: changes.credentials ?? before.credentials,
    settings: changes.settings ?? before.settings,
    enabled: changes.enabled ?? before.enabled,
    workflowId: changes.workflowId !== undefined ? changes.workflowId : before.workflowId,
    approvalPolicy: changes.approvalPolicy ?? before.approvalPolicy,
  };
  // Fail closed: nothing is saved (not even enabled: true) unless the adapter accepts the whole configuration.
  const valid = validateBotConfig(deps.adapters, next);
  await assertWorkflow(deps, tenant.id, next.workflowId);
  const expected = expectedVersion(call.ifMatch, before.updatedAt);
  const replacing = deps.repos.bots.replace(before.id, { ...next, ...valid }, expected, nextUpdatedAt(before.updatedAt, deps.now()));
  if (!(await conflictOnDuplicate(replacing, 'name_taken', `this tenant has a bot named ${next.name}`))) throw preconditionFailed();
  await deps.botChanges.announce(before.id);
  const after = await loadBot(deps, tenant.id, before.id);
  const presented = presentBot(deps, after);
  call.audit({ action, targetType: 'bot', targetId: before.id, before: presentBot(deps, before), after: presented });
  call.setEtag(after.updatedAt);
  return presented;
}

const builders = { kind: 'tenant', roles: ['admin', 'builder'] } as const;
const botParams = tenantParams.extend({ botId: id });
export const credentialsInput = z.record(z.string(), z.string().max(4096));

export const listBots = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/bots',
  operationId: 'listBots',
  summary: "The tenant's bots (secrets masked)",
  tag: TAG,
  access: { kind: 'tenant', roles: ROLES },
  params: tenantParams,
  response: z.object({ items: z.array(botSchema) }),
  async handler({ tenant, deps }) {
    return { items: (await deps.repos.bots.listRecords(tenant.id)).map((b) => presentBot(deps, b)) };
  },
});

export const getBot = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/bots/:botId',
  operationId: 'getBot',
  summary: 'One bot (secrets masked); its ETag for If-Match',
  tag: TAG,
  access: { kind: 'tenant', roles: ROLES },
  params: botParams,
  response: botSchema,
  async handler({ tenant, params, deps, setEtag }) {
    const bot = await loadBot(deps, tenant.id, params.botId);
    setEtag(bot.updatedAt);
    return presentBot(deps, bot);
  },
});

export const createBot = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/bots',
  operationId: 'createBot',
  summary: "Create a bot; credentials and settings are checked with the platform's schema (GET /api/v1/platforms)",
  tag: TAG,
  access: builders,
  params: tenantParams,
  body: z.strictObject({
    name: resourceNameSchema,
    platform: z.enum(PLATFORMS),
    mode: z.string().min(1).max(64),
    credentials: credentialsInput,
    settings: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
    workflowId: id.nullable().default(null),
    approvalPolicy: z.enum(APPROVAL_POLICIES).default('none'),
  }),
  response: botSchema,
  status: 201,
  example: {
    body: {
      name: 'helpdesk',
      platform: 'wecom',
      mode: 'app',
      credentials: { corpId: 'ww0123456789abcdef', agentId: '1000002', secret: 'app-secret-from-wecom', token: 'CallbackToken123', encodingAesKey: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' },
      settings: {},
      enabled: true,
      workflowId: null,
      approvalPolicy: 'none',
    },
  },
  async handler({ tenant, body, deps, audit, setEtag }) {
    const valid = validateBotConfig(deps.adapters, body);
    await assertWorkflow(deps, tenant.id, body.workflowId);
    const botId = await conflictOnDuplicate(deps.repos.bots.create({ ...body, ...valid, tenantId: tenant.id }), 'name_taken', `this tenant has a bot named ${body.name}`);
    await deps.botChanges.announce(botId);
    const bot = await loadBot(deps, tenant.id, botId);
    const presented = presentBot(deps, bot);
    audit({ action: 'bot.created', targetType: 'bot', targetId: botId, after: presented });
    setEtag(bot.updatedAt);
    return presented;
  },
});

export const updateBot = defineRoute({
  method: 'patch',
  path: '/tenants/:tenantId/bots/:botId',
  operationId: 'updateBot',
  summary: 'Change a bot. credentials is a merge patch (null removes a field, a mask sent back keeps the value); settings replaces the whole object',
  tag: TAG,
  access: builders,
  params: botParams,
  body: z.strictObject({
    name: resourceNameSchema.optional(),
    mode: z.string().min(1).max(64).optional(),
    credentials: z.record(z.string(), z.string().max(4096).nullable()).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    workflowId: id.nullable().optional(),
    approvalPolicy: z.enum(APPROVAL_POLICIES).optional(),
  }),
  response: botSchema,
  ifMatch: true,
  example: { body: { settings: { replyFormat: 'text' }, credentials: { secret: 'a-new-app-secret' } } },
  async handler(call) {
    const { tenant, params, body, deps } = call;
    const before = await loadBot(deps, tenant.id, params.botId);
    const { credentials, ...rest } = body;
    return saveBot(call, before, { ...rest, ...(credentials ? { credentials: mergeCredentials(before.credentials, credentials) } : {}) }, 'bot.updated');
  },
});

const toggle = (enabled: boolean) =>
  defineRoute({
    method: 'post',
    path: `/tenants/:tenantId/bots/:botId/${enabled ? 'enable' : 'disable'}`,
    operationId: enabled ? 'enableBot' : 'disableBot',
    summary: enabled ? 'Enable a bot (only when its configuration is complete and valid)' : 'Disable a bot: its callbacks are refused from now on',
    tag: TAG,
    access: builders,
    params: botParams,
    response: botSchema,
    ifMatch: true,
    async handler(call) {
      const before = await loadBot(call.deps, call.tenant.id, call.params.botId);
      return saveBot(call, before, { enabled }, enabled ? 'bot.enabled' : 'bot.disabled');
    },
  });

export const bindWorkflow = defineRoute({
  method: 'put',
  path: '/tenants/:tenantId/bots/:botId/workflow',
  operationId: 'bindBotWorkflow',
  summary: 'Bind the bot to a workflow of this tenant (null unbinds)',
  tag: TAG,
  access: builders,
  params: botParams,
  body: z.strictObject({ workflowId: id.nullable() }),
  response: botSchema,
  ifMatch: true,
  example: { body: { workflowId: null } },
  async handler(call) {
    const before = await loadBot(call.deps, call.tenant.id, call.params.botId);
    return saveBot(call, before, { workflowId: call.body.workflowId }, 'bot.workflow_bound');
  },
});

export const deleteBot = defineRoute({
  method: 'delete',
  path: '/tenants/:tenantId/bots/:botId',
  operationId: 'deleteBot',
  summary: 'Delete a bot with its conversations and messages',
  tag: TAG,
  access: builders,
  params: botParams,
  response: null,
  ifMatch: true,
  async handler({ tenant, params, deps, ifMatch, audit }) {
    const before = await loadBot(deps, tenant.id, params.botId);
    if (!(await deps.repos.bots.delete(tenant.id, before.id, expectedVersion(ifMatch, before.updatedAt)))) throw preconditionFailed();
    await deps.botChanges.announce(before.id);
    audit({ action: 'bot.deleted', targetType: 'bot', targetId: before.id, before: presentBot(deps, before) });
  },
});

export const BOT_ROUTES = [listBots, getBot, createBot, updateBot, toggle(true), toggle(false), bindWorkflow, deleteBot];
