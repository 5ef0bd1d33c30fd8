import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Queue } from '../queue/types.js';
import type { ConversationStore, MessageStore } from './ports.js';

/**
 * The database is the record of every message; the queue only carries work. The sweep closes the gap:
 * - `recover()` at worker start enqueues every message left `queued` or `running` by a process that died
 *   (embedded mode: the in-process queue lost them with the process).
 * - `tick()` periodically enqueues messages still `queued` after a grace period (an enqueue that failed, a Redis
 *   restart), and messages left `running` for longer (a job that ended while the database refused its last writes,
 *   e.g. on a full disk, so the message was never marked queued or failed). Enqueueing is idempotent per message, so
 *   a message whose job is still pending or running is not run twice.
 */
export function createSweep(deps: {
  messages: MessageStore;
  conversations: Pick<ConversationStore, 'releaseAllLocks'>;
  queue: Queue;
  logger: Logger;
  metrics?: Metrics;
  intervalMs: number;
  graceMs: number;
  /** How long a message stays `running` untouched before it gets a job again. @defaultValue 5 × graceMs */
  runningGraceMs?: number;
  batchSize?: number;
}) {
  const { messages, queue, logger, metrics } = deps;
  const batchSize = deps.batchSize ?? 500;
  const runningGraceMs = deps.runningGraceMs ?? deps.graceMs * 5;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  /** Enqueues every matching message, page by page (oldest first). */
  async function enqueueAll(statuses: string[], updatedBefore?: Date): Promise<number> {
    let total = 0;
    let afterId: string | undefined;
    for (;;) {
      const ids = await messages.findIdsByStatus(statuses, { updatedBefore, limit: batchSize, afterId });
      for (const messageId of ids) await queue.enqueue({ messageId });
      total += ids.length;
      if (ids.length < batchSize) return total;
      afterId = ids[ids.length - 1];
    }
  }

  async function tick(): Promise<number> {
    if (running) return 0;
    running = true;
    try {
      const queued = await enqueueAll(['queued'], new Date(Date.now() - deps.graceMs));
      const running = await enqueueAll(['running'], new Date(Date.now() - runningGraceMs));
      const n = queued + running;
      if (n > 0) {
        metrics?.sweepEnqueued.inc(n);
        logger.info({ queued, running }, 'sweep: enqueued unfinished messages (a no-op for those whose job is pending)');
      }
      return n;
    } catch (err) {
      logger.warn({ err }, 'sweep failed; will try again');
      return 0;
    } finally {
      running = false;
    }
  }

  return {
    /** Sole worker (embedded default) only: finish what the last process left, freeing the locks it held. */
    async recover(): Promise<number> {
      const freed = await deps.conversations.releaseAllLocks();
      if (freed > 0) logger.info({ count: freed }, 'freed conversation locks left by the previous process');
      const total = await enqueueAll(['queued', 'running']);
      if (total > 0) logger.info({ count: total }, 'recovered unfinished messages');
      return total;
    },
    tick,
    start() {
      timer = setInterval(() => void tick(), deps.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
