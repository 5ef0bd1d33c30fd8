import { describe, expect, it } from 'vitest';
import { retryHintOf } from '../../../src/errors.js';
import { withDeadlines } from '../../../src/store/deadline.js';
import { StoreTimeoutError } from '../../../src/store/errors.js';

class Store {
  calls = 0;
  /** A database that stopped answering. */
  hang(): Promise<string> {
    this.calls++;
    return new Promise(() => undefined);
  }
  async answer(value: string): Promise<string> {
    this.calls++;
    return value;
  }
  async fail(): Promise<never> {
    throw new Error('SQLITE_FULL');
  }
  /** Prisma's queries are lazy thenables, not Promises. */
  lazy(): PromiseLike<string> {
    return { then: (resolve, reject) => Promise.resolve('lazy').then(resolve, reject) };
  }
  name(): string {
    return 'plain';
  }
}

describe('withDeadlines', () => {
  it('rejects a call still running at its deadline with a retryable StoreTimeoutError naming it', async () => {
    const outcomes: unknown[] = [];
    const store = withDeadlines(new Store(), 50, 'messages', { settled: (err) => outcomes.push(err) });
    const started = Date.now();
    const err = await store.hang().then(() => undefined, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(StoreTimeoutError);
    expect(err).toMatchObject({ code: 'store_timeout', status: 503, message: 'messages.hang did not finish within 50 ms' });
    expect(retryHintOf(err)).toEqual({ retryable: true, retryAfterMs: undefined });
    expect(outcomes).toEqual([err]);
  });

  it('passes answers, errors, lazy thenables and plain values through, on the real object', async () => {
    const target = new Store();
    const outcomes: unknown[] = [];
    const store = withDeadlines(target, 1000, 'messages', { settled: (err) => outcomes.push(err) });
    expect(await store.answer('a')).toBe('a');
    expect(target.calls).toBe(1);
    await expect(store.fail()).rejects.toThrow('SQLITE_FULL');
    expect(await store.lazy()).toBe('lazy');
    expect(store.name()).toBe('plain');
    expect(outcomes.map((o) => (o instanceof Error ? o.message : o))).toEqual([undefined, 'SQLITE_FULL', undefined]);
  });
});
