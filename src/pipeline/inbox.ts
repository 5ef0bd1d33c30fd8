import type { AcceptOutcome, Inbox, NormalizedMessage } from '../adapters/types.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Queue } from '../queue/types.js';
import { withDeadline } from '../store/deadline.js';
import { createBatcher } from './batcher.js';
import { conversationKeyOf } from './conversation-key.js';
import type { InsertedMessage, MessageStore, NewMessage } from './ports.js';

/** The fields of a normalized message that have no column of their own. */
export interface MessagePayload {
  conversation: NormalizedMessage['conversation'];
  mentionsBot: boolean;
  attachments: NormalizedMessage['attachments'];
  replyTarget: NormalizedMessage['replyTarget'];
}

export function toNewMessage(m: NormalizedMessage): NewMessage {
  const payload: MessagePayload = {
    conversation: m.conversation,
    mentionsBot: m.mentionsBot,
    attachments: m.attachments,
    replyTarget: m.replyTarget,
  };
  return {
    tenantId: m.tenantId,
    botId: m.botId,
    platform: m.platform,
    platformMessageId: m.id,
    conversationKey: conversationKeyOf(m),
    senderId: m.sender.id,
    senderName: m.sender.name,
    text: m.text,
    payload: payload as unknown as Record<string, unknown>,
    receivedAt: new Date(m.receivedAt),
  };
}

/** How much longer than the write's own deadline the inbox waits for the store's answer. */
const ANSWER_GRACE_MS = 500;

/**
 * Step 5 of the pipeline: dedupe + persist + enqueue, in that order.
 * - Persisting fails, or does not finish within `persistTimeoutMs` (a locked or full database) → the caller gets
 *   UnavailableError (ingress answers 503 and the platform retries). A 200 always means the message is stored.
 * - Only enqueueing fails → the message stays `queued`; the sweep enqueues it later. The caller still acks.
 * Writes from concurrent callbacks are coalesced into one batch insert.
 */
export function createInbox(deps: {
  messages: MessageStore;
  queue: Queue;
  logger: Logger;
  metrics?: Metrics;
  /** How long persisting may wait for the database before the caller answers 503. @defaultValue 1000 */
  persistTimeoutMs?: number;
}): Inbox {
  const { messages, queue, logger, metrics } = deps;
  const persistTimeoutMs = deps.persistTimeoutMs ?? 1000;
  // Two batches in flight: one being written while the next one gathers, so the writer never waits on the event loop.
  const batcher = createBatcher<NewMessage, InsertedMessage>(
    (rows) => {
      metrics?.inboxBatchSize.observe(rows.length);
      // The store honours the deadline itself (SQLite's writer thread); this bounds a store that cannot (a
      // PostgreSQL pool waiting for a connection). A batch that lands after all is found by the sweep.
      return withDeadline(messages.insertBatch(rows, { timeoutMs: persistTimeoutMs }), persistTimeoutMs + ANSWER_GRACE_MS, 'persisting messages');
    },
    { maxInFlight: 2 },
  );

  return {
    async accept(normalized) {
      if (normalized.length === 0) return [];
      let inserted: InsertedMessage[];
      try {
        inserted = await batcher.submit(normalized.map(toNewMessage));
      } catch (err) {
        logger.error({ err }, 'inbox: persisting messages failed');
        throw new UnavailableError('store_unavailable', 'could not persist the message', { cause: err });
      }
      const outcomes: AcceptOutcome[] = inserted.map((row) => ({
        messageId: row.id,
        platformMessageId: row.platformMessageId,
        duplicate: row.duplicate,
      }));
      await Promise.all(
        outcomes
          .filter((o) => !o.duplicate)
          .map((o) =>
            queue.enqueue({ messageId: o.messageId }).catch((err: unknown) => {
              metrics?.enqueueFailures.inc();
              logger.warn({ err, messageId: o.messageId }, 'inbox: enqueue failed; the sweep will retry');
            }),
          ),
      );
      if (metrics) {
        const dup = outcomes.filter((o) => o.duplicate).length;
        metrics.inboxAccepted.inc({ result: 'new' }, outcomes.length - dup);
        if (dup) metrics.inboxAccepted.inc({ result: 'duplicate' }, dup);
      }
      return outcomes;
    },
  };
}
