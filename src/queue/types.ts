/** Job payloads are ids only: never secrets, never whole messages. */
export interface ProcessJob {
  messageId: string;
}

/** What a handler tells the queue when it cannot run the job yet (e.g. an earlier message of the conversation is running). */
export class DeferJob extends Error {
  constructor(readonly delayMs: number, reason = 'deferred') {
    super(reason);
    this.name = 'DeferJob';
  }
}

/** A failure retrying cannot fix: the job goes to the dead letters at once. */
export class PermanentJobError extends Error {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PermanentJobError';
  }
}

export interface JobContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** True when no retry follows if this attempt fails. */
  isLastAttempt: boolean;
  /**
   * Aborted when the queue closes while this job still runs after the close timeout (shutdown). The handler should
   * stop and throw; an aborted job uses no attempt and is never dead: it runs again after the restart.
   */
  signal?: AbortSignal;
}

/** How long `close` waits for aborted jobs to stop (and record that they will run again) before it gives up on them. */
export const ABORTED_JOBS_SETTLE_MS = 5000;

export type JobHandler = (job: ProcessJob, ctx: JobContext) => Promise<void>;

/** Called when a job failed for good (retries exhausted or permanent). */
export type DeadLetterHandler = (job: ProcessJob, err: unknown) => Promise<void>;

export interface QueueOptions {
  /** Jobs run at once in this process. @defaultValue 8 */
  concurrency?: number;
  /** Attempts before a job is dead. @defaultValue 5 */
  attempts?: number;
  /** First retry delay; doubles each attempt, with full jitter. @defaultValue 1000 */
  backoffMs?: number;
  /** Cap of one retry delay. @defaultValue 60000 */
  maxBackoffMs?: number;
}

export interface Queue {
  readonly driver: 'inline' | 'bullmq';
  /** Enqueue; idempotent per messageId while a job for it is pending. Throws when the queue is unreachable. */
  enqueue(job: ProcessJob, opts?: { delayMs?: number }): Promise<void>;
  /**
   * The message's turn has come (an earlier message of its conversation finished): run its job now if it is waiting
   * because it deferred itself (DeferJob), or enqueue it when no job is pending. A job waiting on a retry backoff
   * or running is left alone.
   */
  wake(messageId: string): Promise<void>;
  /** Start consuming in this process. */
  startWorker(handler: JobHandler, onDead: DeadLetterHandler): Promise<void>;
  /** Reachability for /readyz. */
  ping(): Promise<boolean>;
  /**
   * Stop taking jobs, wait for running ones (up to timeoutMs), then abort those still running through their
   * `signal` and give them {@link ABORTED_JOBS_SETTLE_MS} to stop; close connections.
   */
  close(timeoutMs?: number): Promise<void>;
}
