/**
 * The in-process queue of the embedded default. Jobs live in memory only while they are pending: durability comes
 * from the database (the pipeline re-enqueues messages still queued or running when it starts), so this driver
 * stays small and fast. Memory is bounded: an entry exists only from enqueue until the job is done or dead, and
 * `maxPending` caps how many may wait at once.
 */
import { UnavailableError } from '../errors.js';
import { settledWithin } from '../core/settled-within.js';
import type { Logger } from '../observability/logger.js';
import { classifyFailure, clampDelay, jobRetryDelayMs, toError } from './outcome.js';
import { resolveQueueOptions, type ResolvedQueueOptions } from './options.js';
import { ABORTED_JOBS_SETTLE_MS, type DeadLetterHandler, type JobHandler, type ProcessJob, type Queue, type QueueOptions } from './types.js';

export interface InlineQueueOptions extends QueueOptions {
  /**
   * Jobs pending at once (waiting, delayed or running); enqueue throws `UnavailableError` beyond it, so ingress
   * answers 503 instead of growing without bound. The message stays in the database and is re-enqueued later.
   * @defaultValue 100000
   */
  maxPending?: number;
}

interface Entry {
  messageId: string;
  /** Failed attempts so far (deferrals do not count). */
  attemptsMade: number;
  timer?: NodeJS.Timeout;
  /** Waiting because the handler deferred it (not on a retry backoff): `wake` may run it early. */
  deferred?: boolean;
  /** Woken while running: if this run defers, run again at once instead of after the delay. */
  wokenWhileRunning?: boolean;
}

export function createInlineQueue(opts: InlineQueueOptions, logger: Logger): Queue {
  const o: ResolvedQueueOptions = resolveQueueOptions(opts);
  const maxPending = opts.maxPending ?? 100_000;
  const log = logger.child({ component: 'queue', driver: 'inline' });

  /** Every pending job by message id: the idempotency key. */
  const pending = new Map<string, Entry>();
  /** Ready to run, in arrival order. A ring would be faster; a head index keeps shift O(1) amortized. */
  let ready: Entry[] = [];
  let readyHead = 0;
  const running = new Set<Promise<void>>();
  /** One per running job: aborted when close gives up waiting for it. */
  const runningAborts = new Set<AbortController>();

  let handler: JobHandler | undefined;
  let onDead: DeadLetterHandler | undefined;
  let closing = false;
  let closePromise: Promise<void> | undefined;

  function pushReady(entry: Entry): void {
    ready.push(entry);
    pump();
  }

  function takeReady(): Entry | undefined {
    if (readyHead >= ready.length) return undefined;
    const entry = ready[readyHead];
    ready[readyHead] = undefined as unknown as Entry; // release the reference
    readyHead++;
    if (readyHead > 1024 && readyHead * 2 > ready.length) {
      ready = ready.slice(readyHead);
      readyHead = 0;
    }
    return entry;
  }

  function schedule(entry: Entry, delayMs: number): void {
    if (closing) return; // dropped; the database still has the message
    const ms = clampDelay(delayMs);
    if (ms === 0) return pushReady(entry);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!closing) pushReady(entry);
    }, ms);
  }

  function pump(): void {
    while (!closing && handler && running.size < o.concurrency) {
      const entry = takeReady();
      if (!entry) return;
      const run = runEntry(entry).finally(() => {
        running.delete(run);
        pump();
      });
      running.add(run);
    }
  }

  async function runEntry(entry: Entry): Promise<void> {
    entry.deferred = false;
    entry.wokenWhileRunning = false;
    const job: ProcessJob = { messageId: entry.messageId };
    const attempt = entry.attemptsMade + 1;
    const abort = new AbortController();
    runningAborts.add(abort);
    try {
      await handler!(job, { attempt, isLastAttempt: attempt >= o.attempts, signal: abort.signal });
      pending.delete(entry.messageId);
      return;
    } catch (err) {
      if (abort.signal.aborted) {
        // Not a failure: the database still has the message and the next start runs it.
        log.info({ messageId: entry.messageId, attempt }, 'job aborted by shutdown; it runs again after the restart');
        return;
      }
      const outcome = classifyFailure(err);
      if (outcome.kind === 'defer') {
        log.debug({ messageId: entry.messageId, delayMs: outcome.delayMs }, 'job deferred');
        if (entry.wokenWhileRunning) return schedule(entry, 0);
        entry.deferred = true;
        return schedule(entry, outcome.delayMs);
      }
      entry.attemptsMade++;
      if (outcome.kind === 'retryable' && entry.attemptsMade < o.attempts) {
        const delayMs = jobRetryDelayMs(entry.attemptsMade, err, o);
        // The processor logs the attempt's failure (one line per event); the stack only at debug.
        log.debug({ messageId: entry.messageId, attempt, delayMs, err: toError(err) }, 'job failed, will retry');
        return schedule(entry, delayMs);
      }
      log.debug({ messageId: entry.messageId, attempt, permanent: outcome.kind === 'permanent', err: toError(err) }, 'job dead');
      try {
        await onDead!(job, err);
      } catch (deadErr) {
        log.error({ messageId: entry.messageId, err: toError(deadErr) }, 'dead-letter handler failed');
      }
      pending.delete(entry.messageId);
    } finally {
      runningAborts.delete(abort);
    }
  }

  async function shutdown(timeoutMs: number): Promise<void> {
    closing = true;
    // Waiting and delayed jobs are dropped: the database still has them as queued and the next start re-enqueues.
    for (const entry of pending.values()) if (entry.timer) clearTimeout(entry.timer);
    ready = [];
    readyHead = 0;
    if (running.size > 0 && !(await settledWithin(Promise.allSettled(running), timeoutMs))) {
      log.warn({ running: running.size, timeoutMs }, 'jobs still running after the shutdown timeout; aborting them');
      for (const abort of runningAborts) abort.abort(new Error('queue closing'));
      if (!(await settledWithin(Promise.allSettled(running), ABORTED_JOBS_SETTLE_MS))) {
        log.warn({ running: running.size }, 'queue closed with aborted jobs still running');
      }
    }
    pending.clear();
  }

  return {
    driver: 'inline',

    async enqueue(job, enqueueOpts) {
      if (closing) throw new UnavailableError('queue_closed', 'queue is closed');
      if (pending.has(job.messageId)) return;
      if (pending.size >= maxPending) {
        throw new UnavailableError('queue_full', `inline queue holds ${pending.size} pending jobs`);
      }
      const entry: Entry = { messageId: job.messageId, attemptsMade: 0 };
      pending.set(job.messageId, entry);
      schedule(entry, enqueueOpts?.delayMs ?? 0);
    },

    async wake(messageId) {
      const entry = pending.get(messageId);
      if (!entry) return this.enqueue({ messageId });
      if (closing) return;
      if (!entry.timer) {
        entry.wokenWhileRunning = true; // running or about to: if it defers, it runs again at once
        return;
      }
      if (!entry.deferred) return;
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.deferred = false;
      pushReady(entry);
    },

    async startWorker(h, dead) {
      if (handler) throw new Error('worker already started');
      if (closing) throw new Error('queue is closed');
      handler = h;
      onDead = dead;
      pump();
    },

    async ping() {
      return !closing;
    },

    close(timeoutMs = 30_000) {
      closePromise ??= shutdown(timeoutMs);
      return closePromise;
    },
  };
}
