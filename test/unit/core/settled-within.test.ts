import { describe, expect, it } from 'vitest';
import { settledWithin } from '../../../src/core/settled-within.js';

describe('settledWithin', () => {
  it('is true when the promise resolves or rejects in time', async () => {
    expect(await settledWithin(Promise.resolve('x'), 1000)).toBe(true);
    expect(await settledWithin(Promise.reject(new Error('boom')), 1000)).toBe(true);
  });

  it('is false when the promise is still pending at the deadline', async () => {
    expect(await settledWithin(new Promise(() => {}), 20)).toBe(false);
  });
});
