import { z } from 'zod';
import type { Attachment } from '../../adapters/types.js';
import { formatCost, type Conversation, type Delivery, type Message, type Run } from '../../store/repositories/index.js';
import { id, iso, isoOrNull, timestamp } from '../schemas/common.js';

export const MESSAGE_STATUSES = ['queued', 'running', 'awaiting_approval', 'replied', 'failed', 'ignored'] as const;

export const messageSummarySchema = z.object({
  id,
  botId: id,
  platform: z.string(),
  platformMessageId: z.string(),
  conversationId: id.nullable(),
  sender: z.object({ id: z.string(), name: z.string().nullable() }),
  text: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  /** Tries spent from the retry budget. */
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Replied, but not all of it as intended. */
  warning: z.string().nullable(),
  receivedAt: timestamp,
  finishedAt: timestamp.nullable(),
});

const runSchema = z.object({
  id,
  attempt: z.number().int(),
  status: z.string(),
  /** The inputs sent to the workflow. */
  inputs: z.unknown(),
  answer: z.string().nullable(),
  files: z.unknown(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  totalTokens: z.number().int().nullable(),
  totalPrice: z.string().nullable(),
  currency: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  workflowRunId: z.string().nullable(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
});

const deliverySchema = z.object({
  id,
  runId: id.nullable(),
  kind: z.string(),
  status: z.string(),
  platformMessageId: z.string().nullable(),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const messageDetailSchema = messageSummarySchema.extend({
  /** The normalized message (its reply target, which may carry a platform's reply credentials, is left out). */
  normalized: z.object({
    conversation: z.object({ id: z.string(), type: z.string(), threadId: z.string().optional() }).nullable(),
    mentionsBot: z.boolean().nullable(),
    attachments: z.array(z.object({ kind: z.string(), name: z.string().optional(), mime: z.string().optional(), size: z.number().optional() })),
  }),
  /** The answer of the latest run that succeeded. */
  answer: z.string().nullable(),
  files: z.unknown(),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() }),
  cost: z.object({ amount: z.string(), currency: z.string().nullable() }).nullable(),
  /** Milliseconds per stage; null where the stage did not happen (yet). */
  latency: z.object({
    queuedMs: z.number().nullable(),
    workflowMs: z.number().nullable(),
    deliveryMs: z.number().nullable(),
    totalMs: z.number().nullable(),
  }),
  runs: z.array(runSchema),
  deliveries: z.array(deliverySchema),
  /** Every error recorded: the runs', the deliveries', then the message's own. */
  errors: z.array(z.object({ source: z.enum(['message', 'run', 'delivery']), id, code: z.string().nullable(), message: z.string() })),
  conversation: z.object({ id, workflowConversationId: z.string().nullable(), updatedAt: timestamp }).nullable(),
});

export function presentSummary(m: Message): z.input<typeof messageSummarySchema> {
  return {
    id: m.id,
    botId: m.botId,
    platform: m.platform,
    platformMessageId: m.platformMessageId,
    conversationId: m.conversationId,
    sender: { id: m.senderId, name: m.senderName },
    text: m.text,
    status: m.status as (typeof MESSAGE_STATUSES)[number],
    attempts: m.attempts,
    errorCode: m.errorCode,
    lastError: m.lastError,
    warning: m.warning,
    receivedAt: iso(m.receivedAt),
    finishedAt: isoOrNull(m.finishedAt),
  };
}

const between = (end: Date | null | undefined, start: Date | null | undefined) => (end && start ? end.getTime() - start.getTime() : null);

interface Payload {
  conversation?: { id: string; type: string; threadId?: string };
  mentionsBot?: boolean;
  attachments?: Attachment[];
}

export function presentDetail(m: Message, runs: Run[], deliveries: Delivery[], conversation: Conversation | null): z.input<typeof messageDetailSchema> {
  const payload = (m.payload ?? {}) as Payload;
  const answered = runs.filter((r) => r.status === 'succeeded' || r.status === 'paused').at(-1);
  const sum = (pick: (r: Run) => number | null) => runs.reduce((total, r) => total + (pick(r) ?? 0), 0);
  const priced = runs.filter((r) => r.totalPrice !== null);
  const currencies = new Set(priced.map((r) => r.currency));
  const workflowMs = runs.some((r) => r.latencyMs !== null) ? sum((r) => r.latencyMs) : null;
  const errors: z.input<typeof messageDetailSchema>['errors'] = [
    ...runs.filter((r) => r.error).map((r) => ({ source: 'run' as const, id: r.id, code: r.errorCode, message: r.error as string })),
    ...deliveries.filter((d) => d.error).map((d) => ({ source: 'delivery' as const, id: d.id, code: d.errorCode, message: d.error as string })),
    ...(m.lastError ? [{ source: 'message' as const, id: m.id, code: m.errorCode, message: m.lastError }] : []),
  ];
  return {
    ...presentSummary(m),
    normalized: {
      conversation: payload.conversation ?? null,
      mentionsBot: payload.mentionsBot ?? null,
      attachments: (payload.attachments ?? []).map((a) => ({ kind: a.kind, name: a.name, mime: a.mime, size: a.size })),
    },
    answer: answered?.answer ?? null,
    files: answered?.files ?? null,
    tokens: { prompt: sum((r) => r.promptTokens), completion: sum((r) => r.completionTokens), total: sum((r) => r.totalTokens) },
    cost: priced.length
      ? { amount: formatCost(priced.reduce((t, r) => t + Number(r.totalPrice), 0)), currency: currencies.size === 1 ? ([...currencies][0] ?? null) : null }
      : null,
    latency: {
      queuedMs: between(m.firstAttemptAt, m.receivedAt),
      workflowMs,
      deliveryMs: deliveries.length ? between(deliveries.at(-1)?.updatedAt, deliveries[0]?.createdAt) : null,
      totalMs: between(m.finishedAt, m.receivedAt),
    },
    runs: runs.map((r) => ({
      id: r.id,
      attempt: r.attempt,
      status: r.status,
      inputs: r.inputs,
      answer: r.answer,
      files: r.files,
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      totalTokens: r.totalTokens,
      totalPrice: r.totalPrice,
      currency: r.currency,
      latencyMs: r.latencyMs,
      workflowRunId: r.workflowRunId,
      errorCode: r.errorCode,
      error: r.error,
      startedAt: iso(r.startedAt),
      finishedAt: isoOrNull(r.finishedAt),
    })),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      runId: d.runId,
      kind: d.kind,
      status: d.status,
      platformMessageId: d.platformMessageId,
      attempts: d.attempts,
      errorCode: d.errorCode,
      error: d.error,
      createdAt: iso(d.createdAt),
      updatedAt: iso(d.updatedAt),
    })),
    errors,
    conversation: conversation ? { id: conversation.id, workflowConversationId: conversation.workflowConversationId, updatedAt: iso(conversation.updatedAt) } : null,
  };
}
