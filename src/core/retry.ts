/**
 * Retry policy as data plus pure functions, shared by the workflow client, every platform API client and the queue.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. @defaultValue 4 */
  attempts: number;
  /** Delay before the first retry. @defaultValue 500 */
  baseDelayMs: number;
  /** Cap of one delay. @defaultValue 30000 */
  maxDelayMs: number;
  /** Longest Retry-After we are willing to honour inside one call; longer waits go back to the queue. @defaultValue 60000 */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Delay before retry number `attempt` (1 = first retry): exponential backoff with full jitter, or the server's
 * Retry-After when it gave one (never less than it asked).
 */
export function getRetryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Full jitter, but never below a quarter of the ceiling so retries do not bunch at zero.
  return Math.round(ceiling * (0.25 + 0.75 * random()));
}

/** Parses an HTTP Retry-After header (seconds or an HTTP date) into ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | null | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
