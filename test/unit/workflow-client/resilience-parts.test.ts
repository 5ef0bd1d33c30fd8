import { describe, expect, test } from 'vitest';
import { CircuitBreaker } from '../../../src/workflow-client/circuit-breaker.js';
import { ConcurrencyLimiter } from '../../../src/workflow-client/concurrency-limiter.js';
import { CancelledError, OverloadedError } from '../../../src/workflow-client/errors.js';
import { workflowSettings, workflowSettingsSchema } from '../../../src/workflow-client/settings.js';
import { ConfigError } from '../../../src/errors.js';

describe('CircuitBreaker', () => {
  test('closed → open after N consecutive failures; a success in between resets the count', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, () => now);
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    expect(b.state()).toBe('closed');
    b.onFailure();
    expect(b.state()).toBe('open');
    expect(b.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 1000 });
    now = 700;
    expect(b.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 300 });
  });

  test('half-open lets exactly one probe through; success closes, failure re-opens with a fresh cooldown', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 }, () => now);
    b.onFailure();
    now = 1000;
    expect(b.state()).toBe('half_open');
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: true });
    expect(b.tryAcquire().allowed).toBe(false);
    b.onFailure();
    expect(b.state()).toBe('open');
    now = 1999;
    expect(b.tryAcquire().allowed).toBe(false);
    now = 2000;
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: true });
    b.onSuccess();
    expect(b.state()).toBe('closed');
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: false });
  });

  test('a neutral probe frees the slot for the next caller', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100 }, () => now);
    b.onFailure();
    now = 100;
    const permit = b.tryAcquire();
    b.onNeutral(permit);
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: true });
  });
});

describe('ConcurrencyLimiter', () => {
  test('caps holders, queues FIFO, refuses beyond maxWaiting, honours abort', async () => {
    const limiter = new ConcurrencyLimiter(2, 2);
    const r1 = await limiter.acquire();
    const r2 = await limiter.acquire();
    const order: number[] = [];
    const w3 = limiter.acquire().then((r) => (order.push(3), r));
    const controller = new AbortController();
    const w4 = limiter.acquire(controller.signal);
    await expect(limiter.acquire()).rejects.toBeInstanceOf(OverloadedError);
    controller.abort();
    await expect(w4).rejects.toBeInstanceOf(CancelledError);
    expect(limiter.waiting).toBe(1);
    r1();
    r1(); // twice is harmless
    const r3 = await w3;
    expect(order).toEqual([3]);
    expect(limiter.inUse).toBe(2);
    r2();
    r3();
    expect(limiter.inUse).toBe(0);
  });
});

describe('workflowSettings', () => {
  test('defaults', () => {
    const s = workflowSettings({ settings: {} });
    expect(s).toMatchObject({
      retry: { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 },
      concurrency: 8,
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
      resetCommands: ['/reset', '/new'],
      timeouts: { connectMs: 5_000, firstByteMs: 30_000, idleMs: 30_000 },
    });
    expect(s.fallbackText.length).toBeGreaterThan(10);
  });

  test('partial overrides merge; other keys are ignored; bad values name the setting', () => {
    const s = workflowSettings({ settings: { retry: { attempts: 2 }, fallbackText: 'Oops', secretHeader: 'X' } });
    expect(s.retry).toEqual({ attempts: 2, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 });
    expect(s.fallbackText).toBe('Oops');
    expect(() => workflowSettings({ settings: { timeouts: { idleMs: -1 } } })).toThrow(ConfigError);
    expect(() => workflowSettings({ settings: { timeouts: { idleMs: -1 } } })).toThrow(/timeouts\.idleMs/);
  });

  test('the settings of a binding are strict for its kind: a typo is refused, naming the closest key', () => {
    expect(workflowSettingsSchema('http').safeParse({ secretHeader: 'X-Secret', fallbackText: 'Oops' }).success).toBe(true);
    const issues = workflowSettingsSchema('dify_chat').safeParse({ fallbacktext: 'Oops', secretHeader: 'X-Secret' }).error?.issues;
    expect(issues?.map((i) => i.message)).toEqual([
      'unknown key "fallbacktext" (did you mean "fallbackText"?); unknown key "secretHeader" (expected one of: retry, concurrency, maxWaiting, breaker, fallbackText, resetCommands, timeouts)',
    ]);
    expect(() => workflowSettings({ settings: { retry: { atempts: 2 } } })).toThrow(/"retry" is invalid: unknown key "atempts" \(did you mean "attempts"\?\)/);
  });
});
