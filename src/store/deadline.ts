import { StoreTimeoutError } from './errors.js';

/** `work`, or a StoreTimeoutError naming `what` once `timeoutMs` passed first. */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface DeadlineHooks {
  /** Every call's end: `err` is undefined on success, the StoreTimeoutError or the database's error otherwise. */
  settled?(err: unknown): void;
}

/**
 * `store` with a deadline on every method that returns a promise: a call still running after `timeoutMs` rejects
 * with a StoreTimeoutError (the work it started is left to finish or fail on its own). For the worker's stores, so a
 * database that stops answering fails a job, which then retries, instead of hanging it.
 */
export function withDeadlines<T extends object>(store: T, timeoutMs: number, name: string, hooks: DeadlineHooks = {}): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = Reflect.apply(value, target, args);
        // Prisma's queries are thenables that start when awaited, not Promises.
        if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') return result;
        const guarded = withDeadline(Promise.resolve(result), timeoutMs, `${name}.${String(property)}`);
        guarded.then(
          () => hooks.settled?.(undefined),
          (err: unknown) => hooks.settled?.(err),
        );
        return guarded;
      };
    },
  });
}
