import { OverloadedError, CancelledError } from './errors.js';

/** Releases a slot taken with {@link ConcurrencyLimiter.acquire}; calling it twice is harmless. */
export type Release = () => void;

/**
 * At most `limit` holders at once; up to `maxWaiting` callers queue in FIFO order, more are refused at once with a
 * retryable {@link OverloadedError}. A waiter whose signal aborts leaves the queue with a {@link CancelledError}.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiters: Array<{ grant: (release: Release) => void }> = [];

  constructor(
    private limit: number,
    private maxWaiting: number,
  ) {}

  configure(limit: number, maxWaiting: number): void {
    this.limit = limit;
    this.maxWaiting = maxWaiting;
    this.drain();
  }

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.active < this.limit && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiters.length >= this.maxWaiting) {
      return Promise.reject(
        new OverloadedError(`${this.waiters.length} runs already wait for this workflow's ${this.limit} slots`, 1_000),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter = {
        grant: (release: Release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit && this.waiters.length > 0) {
      const next = this.waiters.shift();
      if (!next) break;
      this.active++;
      next.grant(this.releaser());
    }
  }
}

/** Limiters keyed by workflow id, so they outlive re-created clients. */
export class LimiterRegistry {
  private readonly limiters = new Map<string, ConcurrencyLimiter>();

  get(workflowId: string, limit: number, maxWaiting: number): ConcurrencyLimiter {
    let limiter = this.limiters.get(workflowId);
    if (!limiter) {
      limiter = new ConcurrencyLimiter(limit, maxWaiting);
      this.limiters.set(workflowId, limiter);
    } else {
      limiter.configure(limit, maxWaiting);
    }
    return limiter;
  }
}
