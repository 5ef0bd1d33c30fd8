import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../src/pipeline/batcher.js';

describe('createBatcher', () => {
  it('coalesces calls of one tick into one flush and hands each caller its own results', async () => {
    const flushes: number[][] = [];
    const batcher = createBatcher<number, string>(async (items) => {
      flushes.push(items);
      return items.map((n) => `r${n}`);
    });
    const results = await Promise.all([batcher.submit([1, 2]), batcher.submit([3]), batcher.submit([4, 5, 6])]);
    expect(flushes).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(results).toEqual([['r1', 'r2'], ['r3'], ['r4', 'r5', 'r6']]);
  });

  it('holds new items while a flush runs and sends them together in the next one (group commit)', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const firstFlushDone = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let maxRunning = 0;
    const batcher = createBatcher<number, number>(async (items) => {
      flushes.push(items);
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (flushes.length === 1) await firstFlushDone;
      running--;
      return items;
    });
    const first = batcher.submit([1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toEqual([[1]]);
    const later = [batcher.submit([2]), batcher.submit([3])];
    await new Promise((resolve) => setImmediate(resolve));
    const laterStill = batcher.submit([4]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later, laterStill])).toEqual([[1], [2], [3], [4]]);
    expect(flushes).toEqual([[1], [2, 3, 4]]);
    expect(maxRunning).toBe(1);
  });

  it('runs up to maxInFlight flushes at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const batcher = createBatcher<number, number>(
      async (items) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return items;
      },
      { maxBatch: 1, maxInFlight: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit([n])));
    expect(maxRunning).toBe(2);
  });

  it('flushes early at maxBatch', async () => {
    const flushes: number[][] = [];
    const batcher = createBatcher<number, number>(async (items) => (flushes.push(items), items), { maxBatch: 2 });
    await Promise.all([batcher.submit([1]), batcher.submit([2]), batcher.submit([3])]);
    expect(flushes).toEqual([[1, 2], [3]]);
  });

  it('rejects every caller of a failed batch and recovers for the next', async () => {
    let fail = true;
    const batcher = createBatcher<number, number>(async (items) => {
      if (fail) throw new Error('db down');
      return items;
    });
    const settled = await Promise.allSettled([batcher.submit([1]), batcher.submit([2])]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.submit([3])).resolves.toEqual([3]);
  });
});
