/**
 * The scaled queue: BullMQ on Redis. One job per message, its id derived from the message id (so enqueue is
 * idempotent while the job exists), its data the message id only.
 *
 * Connections (ioredis instances we own and close):
 * - producer: `enableOfflineQueue: false`, short connect and command timeouts, few retries per request, so
 *   `enqueue` fails fast with `UnavailableError` (ingress answers 503) when Redis is down instead of hanging;
 * - worker: `maxRetriesPerRequest: null` as BullMQ requires; BullMQ duplicates it for its blocking fetch.
 *
 * Outcomes: success → the job is removed (a later enqueue runs it again); `DeferJob` → `moveToDelayed` +
 * `DelayedError` (no attempt used); permanent or last attempt → `onDead`, then `UnrecoverableError` so BullMQ
 * keeps the job in the failed set (the dead letters) without retrying; other errors → BullMQ retries after our
 * backoff strategy (exponential with jitter, or the error's `retryAfterMs`, capped at `maxBackoffMs`); a job
 * aborted by `close` (still running after its timeout) → `moveToDelayed(now)` (no attempt used, runs again at once
 * on another worker). A worker killed mid-job loses its lock; another worker's stalled check moves the job back to wait.
 */
import { DelayedError, Queue as BullQueue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { UnavailableError } from '../errors.js';
import { settledWithin } from '../core/settled-within.js';
import type { Logger } from '../observability/logger.js';
import { decodeJobId, encodeJobId } from './job-id.js';
import { classifyFailure, jobRetryDelayMs, toError } from './outcome.js';
import { resolveQueueOptions, type ResolvedQueueOptions } from './options.js';
import { ABORTED_JOBS_SETTLE_MS, type DeadLetterHandler, type JobHandler, type ProcessJob, type Queue, type QueueOptions } from './types.js';

/** What a job holds in Redis: the message id, and a mark while it waits because it deferred itself. */
interface StoredJobData extends ProcessJob {
  deferred?: boolean;
}

export interface BullmqQueueConfig {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  redisUrl: string;
  /** BullMQ queue name; must not contain ':'. */
  queueName: string;
  /** Prefix of every Redis key of the queue. @defaultValue 'switchboard' */
  prefix?: string;
  /** How long a worker's job lock lives without renewal (renewed every half of it). @defaultValue 30000 */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it fails. @defaultValue 1 */
  maxStalledCount?: number;
  /** Producer connect timeout, and how long enqueue waits for the first connection. @defaultValue 1000 */
  producerTimeoutMs?: number;
  /** Failed jobs (dead letters) kept in Redis; older ones are evicted (the database keeps the message). @defaultValue 10000 */
  deadLetterLimit?: number;
}

export interface DeadLetter {
  messageId: string;
  failedReason: string;
  attemptsMade: number;
  failedAt?: Date;
}

export interface BullmqQueue extends Queue {
  readonly driver: 'bullmq';
  /** Most recent dead letters first. */
  listDeadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Moves a dead letter back to wait with fresh attempts; false when the message has no dead letter. */
  retryDeadLetter(messageId: string): Promise<boolean>;
}

/** `createQueue` returns a `Queue`; the console narrows it with this to reach the dead-letter helpers. */
export function isBullmqQueue(queue: Queue): queue is BullmqQueue {
  return queue.driver === 'bullmq' && 'listDeadLetters' in queue;
}

const JOB_NAME = 'process';
const BACKOFF_TYPE = 'switchboard';

export function createBullmqQueue(config: BullmqQueueConfig, opts: QueueOptions, logger: Logger): BullmqQueue {
  const o: ResolvedQueueOptions = resolveQueueOptions(opts);
  const prefix = config.prefix ?? 'switchboard';
  const producerTimeoutMs = config.producerTimeoutMs ?? 1000;
  const deadLetterLimit = config.deadLetterLimit ?? 10_000;
  const log = logger.child({ component: 'queue', driver: 'bullmq', queue: config.queueName });

  const producer = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: producerTimeoutMs,
    commandTimeout: producerTimeoutMs * 2,
    connectionName: `${prefix}:${config.queueName}:producer`,
  } satisfies RedisOptions);
  const logProducerError = throttledErrorLog(log, 'producer connection error');
  producer.on('error', logProducerError);
  // Known down after a connection closed, until it is ready again: enqueue then fails at once.
  let producerDown = false;
  producer.on('ready', () => {
    producerDown = false;
  });
  producer.on('close', () => {
    producerDown = true;
  });

  const queue = new BullQueue<StoredJobData>(config.queueName, {
    connection: producer,
    prefix,
    // The version check sends INFO once at start; with Redis down that would fail the queue for good.
    skipVersionCheck: true,
    skipWaitingForReady: true,
    defaultJobOptions: {
      attempts: o.attempts,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: true,
      removeOnFail: { count: deadLetterLimit },
    },
  });
  queue.on('error', logProducerError);

  let worker: Worker<StoredJobData> | undefined;
  let workerConn: Redis | undefined;
  let stopWaitingForWorker: (() => void) | undefined;
  /** Set when close starts: the worker stops; enqueue still works until the producer is closed. */
  let closing = false;
  let producerClosed = false;
  /** Handler invocations in progress in this process (shutdown aborts them, or has nothing to wait for). */
  let activeJobs = 0;
  let closePromise: Promise<void> | undefined;

  async function producerReady(): Promise<void> {
    if (producerClosed) throw new UnavailableError('queue_closed', 'queue is closed');
    if (producer.status === 'ready') return;
    if (producerDown || producer.status === 'end') {
      throw new UnavailableError('queue_unavailable', `redis unreachable (${producer.status})`);
    }
    // First connection still under way (process start): wait a little for it.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new UnavailableError('queue_unavailable', `redis not ready after ${producerTimeoutMs} ms`));
      }, producerTimeoutMs);
      const onReady = () => {
        cleanup();
        resolve();
      };
      const onClose = () => {
        cleanup();
        reject(new UnavailableError('queue_unavailable', 'redis connection closed'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        producer.off('ready', onReady);
        producer.off('close', onClose);
      };
      producer.on('ready', onReady);
      producer.on('close', onClose);
    });
  }

  async function producerCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
    await producerReady();
    try {
      return await fn();
    } catch (err) {
      throw new UnavailableError('queue_unavailable', `queue ${what} failed: ${toError(err).message}`, { cause: err });
    }
  }

  function processor(handler: JobHandler, onDead: DeadLetterHandler) {
    return async (job: Job<StoredJobData>, token?: string, signal?: AbortSignal): Promise<void> => {
      const messageId = job.data?.messageId;
      if (typeof messageId !== 'string') throw new UnrecoverableError(`job ${job.id} has no messageId`);
      const data: ProcessJob = { messageId };
      const attempts = job.opts.attempts ?? o.attempts;
      const attempt = job.attemptsMade + 1;
      const isLastAttempt = attempt >= attempts;
      activeJobs++;
      try {
        await handler(data, { attempt, isLastAttempt, signal });
      } catch (err) {
        if (signal?.aborted) {
          // Aborted by close (cancelAllJobs): back to the queue at once, no attempt used, for the next worker.
          log.info({ messageId, attempt }, 'job aborted by shutdown; back in the queue');
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        const outcome = classifyFailure(err);
        if (outcome.kind === 'defer') {
          log.debug({ messageId, delayMs: outcome.delayMs }, 'job deferred');
          // Marked so `wake` may promote it; a job delayed by a retry backoff is not marked.
          if (job.data?.deferred !== true) await job.updateData({ messageId, deferred: true });
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError();
        }
        const error = toError(err);
        if (outcome.kind === 'retryable' && !isLastAttempt) {
          // The processor logs the attempt's failure (one line per event); the stack only at debug.
          log.debug({ messageId, attempt, err: error }, 'job failed, will retry');
          if (job.data?.deferred === true) await job.updateData({ messageId });
          throw error; // BullMQ retries after backoffStrategy(err)
        }
        log.debug({ messageId, attempt, permanent: outcome.kind === 'permanent', err: error }, 'job dead');
        try {
          await onDead(data, err);
        } catch (deadErr) {
          log.error({ messageId, err: toError(deadErr) }, 'dead-letter handler failed');
        }
        const final = new UnrecoverableError(error.message);
        final.stack = error.stack;
        throw final;
      } finally {
        activeJobs--;
      }
    };
  }

  async function shutdown(timeoutMs: number): Promise<void> {
    closing = true;
    stopWaitingForWorker?.();
    if (worker) {
      const w = worker;
      // With Redis down, running jobs cannot be completed and a graceful close would wait for Redis: force it.
      const redisUp = workerConn?.status === 'ready';
      const closed = w.close(!redisUp).then(
        () => true,
        (err: unknown) => {
          log.warn({ err: toError(err) }, 'worker close failed');
          return true;
        },
      );
      if (!(await settledWithin(closed, timeoutMs))) {
        // No job of ours runs: what holds the close is a Redis that went away, so there is nothing to wait for.
        if (activeJobs > 0) log.warn({ timeoutMs, running: activeJobs }, 'jobs still running after the shutdown timeout; aborting them');
        if (activeJobs > 0) w.cancelAllJobs('queue closing');
        if (activeJobs === 0 || !(await settledWithin(closed, ABORTED_JOBS_SETTLE_MS))) {
          // Jobs still running lose their locks and are recovered by another worker's stalled check.
          log.warn('aborted jobs did not stop in time; disconnecting');
          await settledWithin(w.disconnect().catch(() => undefined), 1000);
        }
      }
    }
    // Jobs still running may enqueue follow-ups until here; they go to Redis for another worker.
    producerClosed = true;
    await queue.close().catch((err: unknown) => log.warn({ err: toError(err) }, 'queue close failed'));
    await Promise.all([endConnection(producer), workerConn ? endConnection(workerConn) : undefined]);
  }

  return {
    driver: 'bullmq',

    async enqueue(job, enqueueOpts) {
      const jobId = encodeJobId(job.messageId);
      const data: ProcessJob = { messageId: job.messageId };
      const delay = Math.max(0, Math.round(enqueueOpts?.delayMs ?? 0));
      await producerCall('enqueue', async () => {
        // A no-op when a job with this id exists, in whatever state.
        await queue.add(JOB_NAME, data, { jobId, delay });
        // A dead job (kept as a dead letter) would block the id: replace it so the message runs again.
        if ((await queue.getJobState(jobId)) === 'failed') {
          await queue.remove(jobId);
          await queue.add(JOB_NAME, data, { jobId, delay });
        }
      });
    },

    async wake(messageId) {
      const jobId = encodeJobId(messageId);
      await producerCall('wake', async () => {
        const job = await queue.getJob(jobId);
        if (!job) {
          await queue.add(JOB_NAME, { messageId } satisfies ProcessJob, { jobId });
          return;
        }
        if (job.data?.deferred !== true || (await job.getState()) !== 'delayed') return;
        // It may start on its own between the two calls: then there is nothing left to promote.
        await job.promote().catch(() => undefined);
      });
    },

    async startWorker(handler, onDead) {
      if (workerConn) throw new Error('worker already started');
      if (closing) throw new Error('queue is closed');
      const conn = new Redis(config.redisUrl, {
        maxRetriesPerRequest: null,
        connectionName: `${prefix}:${config.queueName}:worker`,
      });
      workerConn = conn;
      const logWorkerError = throttledErrorLog(log, 'worker error');
      conn.on('error', logWorkerError);
      // The Worker is built once Redis answers: built earlier, its connection setup would wait for Redis with
      // no way to cancel it, and close() would hang while Redis is down.
      const start = () => {
        if (closing || worker) return;
        worker = new Worker<StoredJobData>(config.queueName, processor(handler, onDead), {
          connection: conn,
          prefix,
          concurrency: o.concurrency,
          lockDuration: config.lockDurationMs ?? 30_000,
          stalledInterval: config.stalledIntervalMs ?? 30_000,
          maxStalledCount: config.maxStalledCount ?? 1,
          settings: {
            backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => jobRetryDelayMs(attemptsMade, err, o),
          },
        });
        worker.on('error', logWorkerError);
        worker.on('stalled', (jobId) => log.warn({ jobId }, 'stalled job moved back to wait'));
        log.info({ concurrency: o.concurrency }, 'worker started');
      };
      stopWaitingForWorker = () => conn.off('ready', start);
      if (conn.status === 'ready') start();
      else conn.once('ready', start);
    },

    async ping() {
      try {
        await producerReady();
        return (await producer.ping()) === 'PONG';
      } catch {
        return false;
      }
    },

    close(timeoutMs = 30_000) {
      closePromise ??= shutdown(timeoutMs);
      return closePromise;
    },

    async listDeadLetters(limit = 50) {
      const jobs = await producerCall('listDeadLetters', () => queue.getFailed(0, Math.max(1, limit) - 1));
      return jobs.map((job) => ({
        messageId: typeof job.data?.messageId === 'string' ? job.data.messageId : decodeJobId(job.id ?? ''),
        failedReason: job.failedReason ?? '',
        attemptsMade: job.attemptsMade,
        failedAt: job.finishedOn ? new Date(job.finishedOn) : undefined,
      }));
    },

    async retryDeadLetter(messageId) {
      return producerCall('retryDeadLetter', async () => {
        const job = await queue.getJob(encodeJobId(messageId));
        if (!job || (await job.getState()) !== 'failed') return false;
        try {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          return true;
        } catch (err) {
          // Someone else revived it first.
          if ((await job.getState()) !== 'failed') return false;
          throw err;
        }
      });
    },
  };
}

/** quit when connected (flushes pending replies), disconnect otherwise (never wait for a server that is not there). */
async function endConnection(conn: Redis): Promise<void> {
  if (conn.status === 'end') return;
  if (conn.status === 'ready') {
    try {
      await conn.quit();
      return;
    } catch {
      // fall through
    }
  }
  conn.disconnect();
}

/** Redis being down produces an error per reconnect attempt: log the first, then one line per 10 s with a count. */
function throttledErrorLog(log: Logger, msg: string, everyMs = 10_000): (err: Error) => void {
  let last = 0;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed++;
      return;
    }
    log.warn({ err, suppressed }, msg);
    last = now;
    suppressed = 0;
  };
}
