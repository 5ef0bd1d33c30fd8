import { z } from 'zod';
import type { ReplayOutcome } from '../../store/repositories/index.js';
import type { AdminDeps } from '../deps.js';
import { expectedVersion } from '../http/etag.js';
import { conflict, notFound } from '../http/errors.js';
import { MESSAGE_STATUSES, messageDetailSchema, messageSummarySchema, presentDetail, presentSummary } from '../messages/present.js';
import { ROLES } from '../auth/principal.js';
import { defineRoute } from '../route.js';
import { id, tenantParams } from '../schemas/common.js';

const TAG = 'messages';
/** Every role of the tenant: operators read messages, replay and reset; builders and admins too. */
const operators = { kind: 'tenant', roles: ROLES } as const;
const messageParams = tenantParams.extend({ messageId: id });

const pageQuery = {
  botId: id.optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'received at or after (ISO 8601)' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'received before (ISO 8601)' }),
  q: z.string().min(1).max(200).optional().meta({ description: 'case-insensitive substring of the text' }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: id.optional().meta({ description: 'nextCursor of the previous page' }),
};
const pageSchema = z.object({ items: z.array(messageSummarySchema), nextCursor: z.string().nullable() });

async function listPage(deps: AdminDeps, tenantId: string, query: { botId?: string; from?: string; to?: string; q?: string; limit: number; cursor?: string }, status?: string) {
  const page = await deps.repos.messageLog.search(tenantId, {
    botId: query.botId,
    status,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    text: query.q,
    limit: query.limit,
    cursor: query.cursor,
  });
  return { items: page.items.map(presentSummary), nextCursor: page.nextCursor };
}

export const listMessages = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/messages',
  operationId: 'listMessages',
  summary: 'Messages, newest first, filtered by bot, status, time range and text; page on with nextCursor',
  tag: TAG,
  access: operators,
  params: tenantParams,
  query: z.object({ ...pageQuery, status: z.enum(MESSAGE_STATUSES).optional() }),
  response: pageSchema,
  example: { query: { status: 'failed', q: 'invoice', limit: '20' } },
  async handler({ tenant, query, deps }) {
    return listPage(deps, tenant.id, query, query.status);
  },
});

export const listDeadLetters = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/dead-letters',
  operationId: 'listDeadLetters',
  summary: 'Messages that failed for good (status failed), newest first: the ones replay can send again',
  tag: TAG,
  access: operators,
  params: tenantParams,
  query: z.object(pageQuery),
  response: pageSchema,
  async handler({ tenant, query, deps }) {
    return listPage(deps, tenant.id, query, 'failed');
  },
});

export const getMessage = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/messages/:messageId',
  operationId: 'getMessage',
  summary: 'One message: normalized message, inputs sent, answer, files, tokens, cost, latency per stage, runs, deliveries, errors; its ETag for If-Match',
  tag: TAG,
  access: operators,
  params: messageParams,
  response: messageDetailSchema,
  async handler({ tenant, params, deps, setEtag }) {
    const message = await deps.repos.messages.get(tenant.id, params.messageId);
    if (!message) throw notFound('message');
    const [runs, deliveries, conversation] = await Promise.all([
      deps.repos.runs.listForMessage(tenant.id, message.id),
      deps.repos.deliveries.listForMessage(tenant.id, message.id),
      message.conversationId ? deps.repos.conversations.get(tenant.id, message.conversationId) : null,
    ]);
    setEtag(message.updatedAt);
    return presentDetail(message, runs, deliveries, conversation);
  },
});

const outcomeSchema = z.enum(['replayed', 'already_queued', 'already_replied', 'not_replayable', 'not_found']).meta({
  description:
    'replayed: back in the queue with a fresh retry budget; already_queued: a replay (or the pipeline) has it already; already_replied: refused, it was answered; not_replayable: refused (ignored or awaiting approval); not_found: no such message in this tenant',
});

/** Requeues a failed message and hands it to the queue (again when a replay's enqueue had failed: enqueueing is idempotent). */
async function replay(deps: AdminDeps, tenantId: string, messageId: string): Promise<ReplayOutcome> {
  const outcome = await deps.repos.messageLog.requeueFailed(tenantId, messageId);
  if (outcome === 'replayed' || outcome === 'already_queued') {
    // A failed enqueue leaves the message queued: the sweep enqueues it later, so the replay still happens.
    await deps.queue.enqueue({ messageId }).catch((err: unknown) => deps.logger.warn({ err, messageId }, 'replay: enqueue failed; the sweep will retry'));
  }
  return outcome;
}

export const replayMessage = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/messages/:messageId/replay',
  operationId: 'replayMessage',
  summary:
    'Send a failed message through the pipeline again with a fresh retry budget. A workflow run that succeeded is not repeated (only the send is). 409 when it was replied; replaying a message already queued changes nothing',
  tag: TAG,
  access: operators,
  params: messageParams,
  response: z.object({ id, outcome: outcomeSchema }),
  ifMatch: true,
  async handler({ tenant, params, deps, ifMatch, audit }) {
    const before = await deps.repos.messages.get(tenant.id, params.messageId);
    if (!before) throw notFound('message');
    expectedVersion(ifMatch, before.updatedAt);
    const outcome = await replay(deps, tenant.id, before.id);
    if (outcome === 'not_found') throw notFound('message');
    if (outcome === 'already_replied') throw conflict('already_replied', 'this message was replied; it is not sent again');
    if (outcome === 'not_replayable') throw conflict('not_replayable', `a message in status ${before.status} cannot be replayed`);
    audit({ action: 'message.replayed', targetType: 'message', targetId: before.id, before: { status: before.status }, after: { outcome } });
    return { id: before.id, outcome };
  },
});

export const replayMessages = defineRoute({
  method: 'post',
  path: '/tenants/:tenantId/messages/replay',
  operationId: 'replayMessages',
  summary: 'Replay up to 100 messages at once; each gets its own outcome (replied ones are refused, queued ones left alone)',
  tag: TAG,
  access: operators,
  params: tenantParams,
  body: z.strictObject({ messageIds: z.array(id).min(1).max(100) }),
  response: z.object({ results: z.array(z.object({ id, outcome: outcomeSchema })) }),
  example: { body: { messageIds: ['0193a2b4-0000-7000-8000-000000000000'] } },
  async handler({ tenant, body, deps, audit }) {
    const results: { id: string; outcome: ReplayOutcome }[] = [];
    for (const messageId of new Set(body.messageIds)) results.push({ id: messageId, outcome: await replay(deps, tenant.id, messageId) });
    audit({ action: 'messages.replayed', targetType: 'message', after: { results } });
    return { results };
  },
});

export const MESSAGE_ROUTES = [listMessages, listDeadLetters, replayMessages, getMessage, replayMessage];
