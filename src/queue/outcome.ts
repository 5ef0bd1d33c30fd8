/**
 * What a handler's failure means for its job, and how long to wait before the next attempt. Pure functions,
 * shared by both drivers so inline and BullMQ behave the same.
 */
import { retryHintOf } from '../errors.js';
import { getRetryDelayMs } from '../core/retry.js';
import type { ResolvedQueueOptions } from './options.js';
import { DeferJob, PermanentJobError } from './types.js';

export type FailureOutcome =
  /** Run again after `delayMs`; not an attempt, not a failure. */
  | { kind: 'defer'; delayMs: number }
  /** Dead at once, whatever attempts remain. */
  | { kind: 'permanent' }
  /** Retry with backoff while attempts remain. */
  | { kind: 'retryable' };

export function classifyFailure(err: unknown): FailureOutcome {
  if (err instanceof DeferJob) return { kind: 'defer', delayMs: clampDelay(err.delayMs) };
  if (err instanceof PermanentJobError) return { kind: 'permanent' };
  if (retryHintOf(err).retryable === false) return { kind: 'permanent' };
  return { kind: 'retryable' };
}

/**
 * Delay before retry number `retry` (1 = the first retry) after `err`: exponential backoff with jitter from
 * `backoffMs`, or the error's `retryAfterMs` when it carries one; never more than `maxBackoffMs`.
 */
export function jobRetryDelayMs(
  retry: number,
  err: unknown,
  opts: Pick<ResolvedQueueOptions, 'backoffMs' | 'maxBackoffMs'>,
  random: () => number = Math.random,
): number {
  const { retryAfterMs } = retryHintOf(err);
  const delay = getRetryDelayMs(
    retry,
    { baseDelayMs: opts.backoffMs, maxDelayMs: opts.maxBackoffMs },
    retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
    random,
  );
  return Math.min(opts.maxBackoffMs, Math.max(0, delay));
}

/** A delay a handler asked for, made safe for timers (no NaN, no negatives, no overflow of setTimeout). */
export function clampDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 0;
  return Math.min(Math.round(ms), MAX_TIMER_MS);
}

/** setTimeout fires at once for delays above 2^31-1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Handlers may throw anything; queues and logs want an Error. */
export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : `non-error thrown: ${safeString(err)}`);
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
