import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { resolveQueueOptions } from '../../../src/queue/options.js';
import { classifyFailure, clampDelay, jobRetryDelayMs, MAX_TIMER_MS, toError } from '../../../src/queue/outcome.js';
import { DeferJob, PermanentJobError } from '../../../src/queue/types.js';

const opts = { backoffMs: 100, maxBackoffMs: 1000 };

describe('classifyFailure', () => {
  it('sorts handler errors into defer, permanent and retryable', () => {
    expect(classifyFailure(new DeferJob(250))).toEqual({ kind: 'defer', delayMs: 250 });
    expect(classifyFailure(new DeferJob(-5))).toEqual({ kind: 'defer', delayMs: 0 });
    expect(classifyFailure(new PermanentJobError('bad key'))).toEqual({ kind: 'permanent' });
    expect(classifyFailure(Object.assign(new AppError('bad_key', 'bad key'), { retryable: false }))).toEqual({ kind: 'permanent' });
    expect(classifyFailure(Object.assign(new Error('429'), { retryable: true, retryAfterMs: 5 }))).toEqual({ kind: 'retryable' });
    expect(classifyFailure(new Error('boom'))).toEqual({ kind: 'retryable' });
    expect(classifyFailure('a string')).toEqual({ kind: 'retryable' });
  });
});

describe('jobRetryDelayMs', () => {
  it('doubles from backoffMs with jitter, capped at maxBackoffMs', () => {
    const err = new Error('boom');
    expect(jobRetryDelayMs(1, err, opts, () => 1)).toBe(100);
    expect(jobRetryDelayMs(2, err, opts, () => 1)).toBe(200);
    expect(jobRetryDelayMs(3, err, opts, () => 1)).toBe(400);
    expect(jobRetryDelayMs(10, err, opts, () => 1)).toBe(1000);
    expect(jobRetryDelayMs(1, err, opts, () => 0)).toBe(25);
  });

  it("uses the error's retryAfterMs, never above maxBackoffMs", () => {
    expect(jobRetryDelayMs(1, Object.assign(new Error('429'), { retryable: true, retryAfterMs: 700 }), opts, () => 0)).toBe(700);
    expect(jobRetryDelayMs(1, Object.assign(new Error('429'), { retryable: true, retryAfterMs: 60_000 }), opts)).toBe(1000);
  });
});

describe('helpers', () => {
  it('clamps delays for timers', () => {
    expect(clampDelay(Number.NaN)).toBe(0);
    expect(clampDelay(1.4)).toBe(1);
    expect(clampDelay(1e12)).toBe(MAX_TIMER_MS);
  });

  it('wraps non-errors', () => {
    expect(toError('x').message).toBe('x');
    expect(toError({ a: 1 }).message).toContain('{"a":1}');
  });

  it('applies defaults and rejects nonsense options', () => {
    expect(resolveQueueOptions()).toEqual({ concurrency: 8, attempts: 5, backoffMs: 1000, maxBackoffMs: 60_000 });
    expect(() => resolveQueueOptions({ attempts: 0 })).toThrow(/attempts/);
    expect(() => resolveQueueOptions({ concurrency: 1.5 })).toThrow(/concurrency/);
    expect(() => resolveQueueOptions({ backoffMs: 10, maxBackoffMs: 5 })).toThrow(/maxBackoffMs/);
  });
});
