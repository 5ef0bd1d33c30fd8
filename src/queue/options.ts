import { ConfigError } from '../errors.js';
import type { QueueOptions } from './types.js';

/** {@link QueueOptions} with every default applied. */
export type ResolvedQueueOptions = Required<QueueOptions>;

export const DEFAULT_QUEUE_OPTIONS: ResolvedQueueOptions = {
  concurrency: 8,
  attempts: 5,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
};

/** Applies the defaults and rejects values that would make the queue misbehave (0 attempts, NaN delays). */
export function resolveQueueOptions(opts: QueueOptions = {}): ResolvedQueueOptions {
  const resolved: ResolvedQueueOptions = {
    concurrency: opts.concurrency ?? DEFAULT_QUEUE_OPTIONS.concurrency,
    attempts: opts.attempts ?? DEFAULT_QUEUE_OPTIONS.attempts,
    backoffMs: opts.backoffMs ?? DEFAULT_QUEUE_OPTIONS.backoffMs,
    maxBackoffMs: opts.maxBackoffMs ?? DEFAULT_QUEUE_OPTIONS.maxBackoffMs,
  };
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1) {
    throw new ConfigError(`queue concurrency must be an integer >= 1, got ${resolved.concurrency}`);
  }
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new ConfigError(`queue attempts must be an integer >= 1, got ${resolved.attempts}`);
  }
  if (!Number.isFinite(resolved.backoffMs) || resolved.backoffMs < 0) {
    throw new ConfigError(`queue backoffMs must be >= 0, got ${resolved.backoffMs}`);
  }
  if (!Number.isFinite(resolved.maxBackoffMs) || resolved.maxBackoffMs < resolved.backoffMs) {
    throw new ConfigError(`queue maxBackoffMs must be >= backoffMs, got ${resolved.maxBackoffMs}`);
  }
  return resolved;
}
