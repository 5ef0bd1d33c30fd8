import { describe, expect, it } from 'vitest';
import { getRetryDelayMs, parseRetryAfter, sleep } from '../../../src/core/retry.js';

const policy = { baseDelayMs: 500, maxDelayMs: 30_000 };

describe('getRetryDelayMs', () => {
  it('doubles the ceiling per retry and jitters between a quarter of it and all of it', () => {
    expect(getRetryDelayMs(1, policy, undefined, () => 0)).toBe(125);
    expect(getRetryDelayMs(1, policy, undefined, () => 1)).toBe(500);
    expect(getRetryDelayMs(3, policy, undefined, () => 1)).toBe(2000);
    expect(getRetryDelayMs(3, policy, undefined, () => 0)).toBe(500);
  });

  it('never waits longer than the cap', () => {
    expect(getRetryDelayMs(20, policy, undefined, () => 1)).toBe(30_000);
  });

  it("waits what the server's Retry-After asked, even beyond the cap", () => {
    expect(getRetryDelayMs(1, policy, 45_000, () => 0)).toBe(45_000);
    expect(getRetryDelayMs(1, policy, 0, () => 1)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('  ', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('sleep', () => {
  it('resolves after the time', async () => {
    const started = Date.now();
    await sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('rejects at once with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    await expect(sleep(60_000, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
