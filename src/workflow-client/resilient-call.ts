import type { Logger } from '../observability/logger.js';
import { AttemptControl, type AttemptLimits } from './attempt.js';
import { breakerVerdict, type CircuitBreaker } from './circuit-breaker.js';
import type { ConcurrencyLimiter } from './concurrency-limiter.js';
import {
  CancelledError,
  CircuitOpenError,
  OverloadedError,
  RateLimitError,
  toWorkflowError,
  type WorkflowError,
} from './errors.js';
import { getRetryDelayMs, sleep, type RetryPolicy } from '../core/retry.js';
import type { RetryBudget } from './types.js';

/** The shared resilience of one binding: used by the Dify client and the generic HTTP backend alike. */
export interface CallGuards {
  workflowId: string;
  policy: RetryPolicy;
  limits: AttemptLimits;
  breaker: CircuitBreaker;
  limiter: ConcurrencyLimiter;
  logger: Logger;
  random?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Streaming calls watch the first byte and the silences between chunks. */
  streaming: boolean;
  /** Asked before each retry; false stops retrying (e.g. text was already delivered to the caller). */
  mayRetry?: (err: WorkflowError) => boolean;
  /** Called after a failed attempt that will be retried (e.g. to stop an abandoned Dify task). */
  beforeRetry?: (err: WorkflowError) => Promise<void> | void;
  /** Name of the operation, for logs. */
  operation: string;
  /** The input's retry budget: every retry here takes a try from it, and the breaker counts the input once. */
  budget?: RetryBudget;
}

/**
 * Runs `attempt` with the binding's guards: breaker check (fail fast with `circuit_open`), a concurrency slot,
 * one AttemptControl (timeouts + abort) per attempt, translation of every failure with toWorkflowError, and
 * retries with backoff + jitter (Retry-After honoured; a Retry-After longer than `maxRetryAfterMs` goes back to the
 * caller so the queue waits instead of us). A retry also needs the caller's budget (`opts.budget`) to allow it.
 */
export async function callWithRetries<T>(
  guards: CallGuards,
  opts: CallOptions,
  attempt: (control: AttemptControl, attemptNumber: number) => Promise<T>,
): Promise<T> {
  const { policy } = guards;
  for (let n = 1; ; n++) {
    if (opts.signal?.aborted) throw new CancelledError();
    const permit = guards.breaker.tryAcquire();
    if (!permit.allowed) throw new CircuitOpenError(permit.retryAfterMs);

    let release: (() => void) | undefined;
    let control: AttemptControl | undefined;
    let failure: WorkflowError;
    try {
      release = await guards.limiter.acquire(opts.signal);
      control = new AttemptControl(guards.limits, opts.signal, opts.streaming);
      const value = await attempt(control, n);
      guards.breaker.onSuccess();
      return value;
    } catch (err) {
      failure = toWorkflowError(control?.abortReason ?? err);
      const verdict = breakerVerdict(failure);
      if (verdict === 'failure') guards.breaker.onFailure(opts.budget?.key);
      else if (verdict === 'healthy') guards.breaker.onSuccess();
      else guards.breaker.onNeutral(permit);
    } finally {
      control?.dispose();
      release?.();
    }

    const lastAttempt = n >= policy.attempts;
    // Circuit open and overload are the queue's to wait out: waiting here would only hold a worker.
    if (!failure.retryable || lastAttempt || failure instanceof CircuitOpenError || failure instanceof OverloadedError) throw failure;
    if (opts.mayRetry && !opts.mayRetry(failure)) throw failure;
    if (failure instanceof RateLimitError && (failure.retryAfterMs ?? 0) > policy.maxRetryAfterMs) throw failure;

    const delayMs = getRetryDelayMs(n, policy, failure.retryAfterMs, guards.random);
    if (opts.budget && !(await opts.budget.tryAgain(delayMs))) throw failure;
    guards.logger.warn(
      { operation: opts.operation, attempt: n, code: failure.code, delayMs },
      'workflow call failed, retrying',
    );
    if (opts.beforeRetry) await opts.beforeRetry(failure);
    try {
      await sleep(delayMs, opts.signal);
    } catch {
      throw new CancelledError();
    }
  }
}
