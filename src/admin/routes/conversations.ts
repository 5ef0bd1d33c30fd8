import { z } from 'zod';
import type { Conversation } from '../../store/repositories/index.js';
import { expectedVersion, nextUpdatedAt } from '../http/etag.js';
import { notFound, preconditionFailed } from '../http/errors.js';
import { ROLES } from '../auth/principal.js';
import { defineRoute } from '../route.js';
import { id, iso, tenantParams, timestamp } from '../schemas/common.js';

const TAG = 'conversations';
/** Every role of the tenant: operators read messages, replay and reset; builders and admins too. */
const operators = { kind: 'tenant', roles: ROLES } as const;
const conversationParams = tenantParams.extend({ conversationId: id });

const conversationSchema = z.object({
  id,
  botId: id,
  platformConversationId: z.string(),
  threadKey: z.string(),
  type: z.string(),
  /** The workflow engine's conversation (its memory of earlier turns); null after a reset, until the next message. */
  workflowConversationId: z.string().nullable(),
  lastActivityAt: timestamp,
  updatedAt: timestamp,
});

function present(c: Conversation): z.input<typeof conversationSchema> {
  return {
    id: c.id,
    botId: c.botId,
    platformConversationId: c.platformConversationId,
    threadKey: c.threadKey,
    type: c.type,
    workflowConversationId: c.workflowConversationId,
    lastActivityAt: iso(c.lastActivityAt),
    updatedAt: iso(c.updatedAt),
  };
}

export const getConversation = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/conversations/:conversationId',
  operationId: 'getConversation',
  summary: 'One conversation; its ETag for If-Match',
  tag: TAG,
  access: operators,
  params: conversationParams,
  response: conversationSchema,
  async handler({ tenant, params, deps, setEtag }) {
    const conversation = await deps.repos.conversations.get(tenant.id, params.conversationId);
    if (!conversation) throw notFound('conversation');
    setEtag(conversation.updatedAt);
    return present(conversation);
  },
});

export const resetConversation = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/conversations/:conversationId/reset',
  operationId: 'resetConversation',
  summary: "Reset a conversation: the workflow forgets its earlier turns and the next message starts a new workflow conversation",
  tag: TAG,
  access: operators,
  params: conversationParams,
  response: conversationSchema,
  ifMatch: true,
  async handler({ tenant, params, deps, ifMatch, audit, setEtag }) {
    const before = await deps.repos.conversations.get(tenant.id, params.conversationId);
    if (!before) throw notFound('conversation');
    const expected = expectedVersion(ifMatch, before.updatedAt);
    const saved = await deps.repos.conversations.resetWorkflowConversation(tenant.id, before.id, expected, nextUpdatedAt(before.updatedAt, deps.now()));
    if (!saved) throw preconditionFailed();
    const after = await deps.repos.conversations.get(tenant.id, before.id);
    if (!after) throw notFound('conversation');
    audit({ action: 'conversation.reset', targetType: 'conversation', targetId: before.id, before: present(before), after: present(after) });
    setEtag(after.updatedAt);
    return present(after);
  },
});

export const CONVERSATION_ROUTES = [getConversation, resetConversation];
