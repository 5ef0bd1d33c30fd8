import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { BreakerRegistry } from '../../../src/workflow-client/circuit-breaker.js';
import {
  AppConfigurationError,
  AppModeMismatchError,
  AuthenticationError,
  CancelledError,
  CircuitOpenError,
  OverloadedError,
  RateLimitError,
  StreamError,
  TimeoutError,
  UpstreamError,
  ValidationError,
  type WorkflowError,
} from '../../../src/workflow-client/errors.js';
import { retryHintOf } from '../../../src/errors.js';
import { FakeDify, failFirstCalls } from '../../fakes/fake-dify.js';
import { clientFor, configFor, request, testDeps } from './helpers.js';
import { createWorkflowClient } from '../../../src/workflow-client/create.js';

let fake: FakeDify;
beforeAll(async () => {
  fake = await FakeDify.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.options = {};
  fake.mode = 'chat';
});

async function failure(promise: Promise<unknown>): Promise<WorkflowError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: WorkflowError) => err,
  );
}

describe('retries', () => {
  test('429 with Retry-After is retried after the delay Dify asked for', async () => {
    fake.script(failFirstCalls(2, { status: 429, retryAfter: '0.1' }));
    const started = Date.now();
    const result = await clientFor(fake, 'dify_chat').run(request('busy'));
    expect(result.answer).toBe('Echo: busy');
    expect(fake.runRequests()).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('5xx is retried; after the attempts run out the typed error is thrown', async () => {
    fake.script(failFirstCalls(1, { status: 502 }));
    await clientFor(fake, 'dify_chat').run(request('one 502'));
    expect(fake.runRequests()).toHaveLength(2);
    fake.reset();
    fake.script(() => ({ status: 503 }));
    const err = await failure(clientFor(fake, 'dify_chat').run(request('always 503')));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(fake.runRequests()).toHaveLength(3); // FAST_SETTINGS: 3 attempts
  });

  test('a Retry-After longer than maxRetryAfterMs goes back to the queue at once', async () => {
    fake.script(() => ({ status: 429, retryAfter: '30' }));
    const err = await failure(clientFor(fake, 'dify_chat').run(request('slow down')));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(retryHintOf(err)).toEqual({ retryable: true, retryAfterMs: 30_000 });
    expect(fake.runRequests()).toHaveLength(1);
  });

  test.each([
    [401, 'unauthorized', AuthenticationError],
    [400, 'invalid_param', ValidationError],
    [400, 'app_unavailable', AppConfigurationError],
    [400, 'provider_not_initialize', AppConfigurationError],
    [400, 'provider_quota_exceeded', AppConfigurationError],
    [400, 'model_currently_not_support', AppConfigurationError],
    [400, 'not_chat_app', AppModeMismatchError],
  ] as const)('%i %s is permanent: one call, retryable false', async (status, errorCode, errorClass) => {
    fake.script(() => ({ status, errorCode }));
    const err = await failure(clientFor(fake, 'dify_chat').run(request(`perm ${errorCode}`)));
    expect(err).toBeInstanceOf(errorClass);
    expect(retryHintOf(err).retryable).toBe(false);
    expect(fake.runRequests()).toHaveLength(1);
  });

  test('a wrong key is an AuthenticationError and says nothing of the key', async () => {
    const client = createWorkflowClient(configFor(fake, 'dify_chat', { apiKey: 'app-wrong-secret-key' }), testDeps());
    const err = await failure(client.run(request('x')));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('app-wrong-secret-key');
    expect(fake.runRequests()).toHaveLength(0); // /parameters already said 401
  });

  test('the wrong app type is an AppModeMismatchError saying so, before any run call', async () => {
    fake.mode = 'workflow';
    const err = await failure(clientFor(fake, 'dify_chat').run(request('x')));
    expect(err).toBeInstanceOf(AppModeMismatchError);
    expect(err.message).toBe('This key belongs to a workflow app, but the binding says chat.');
    expect(retryHintOf(err).retryable).toBe(false);
    expect(fake.runRequests()).toHaveLength(0);
  });
});

describe('timeouts', () => {
  test('connect timeout (the connection never completes)', async () => {
    const neverResolves = () => undefined; // a DNS lookup that never answers keeps the socket connecting
    const client = createWorkflowClient(
      configFor({ url: 'http://dify.hang.test:80/v1', apiKey: 'k' }, 'dify_chat', { settings: { retry: { attempts: 1 }, timeouts: { connectMs: 100 } } }),
      testDeps({ lookup: neverResolves }),
    );
    const err = await failure(client.run(request('x')));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).kind).toBe('connect');
  });

  test('first byte timeout (no headers), retried', async () => {
    fake.next({ hang: 'before_headers' });
    const result = await clientFor(fake, 'dify_chat', { settings: { timeouts: { firstByteMs: 150 } } }).run(request('slow start'));
    expect(result.answer).toBe('Echo: slow start');
    expect(fake.runRequests().map((r) => r.outcome)).toEqual(['hung', 'answered']);
  });

  test('idle timeout between events; typed error when it keeps happening', async () => {
    fake.script(() => ({ hang: 1, chunkDelayMs: 0 }));
    const err = await failure(clientFor(fake, 'dify_chat', { settings: { timeouts: { idleMs: 150 } } }).run(request('stall')));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).kind).toBe('idle');
    expect(fake.runRequests()).toHaveLength(3);
  });

  test('pings reset the idle timer', async () => {
    fake.next({ chunkDelayMs: 400, pingIntervalMs: 50, chunks: 2 });
    const result = await clientFor(fake, 'dify_chat', { settings: { timeouts: { idleMs: 200 } } }).run(request('slow but alive'));
    expect(result.answer).toBe('Echo: slow but alive');
    expect(fake.runRequests()).toHaveLength(1);
  });

  test('total timeout of an attempt', async () => {
    fake.script(() => ({ chunkDelayMs: 60, pingIntervalMs: 20, chunks: 20 }));
    const err = await failure(
      clientFor(fake, 'dify_chat', { timeoutMs: 300, settings: { retry: { attempts: 1 }, timeouts: { idleMs: 200 } } }).run(request('long')),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).kind).toBe('total');
  });

  test('blocking calls only have connect and total budgets', async () => {
    fake.next({ headersDelayMs: 300 });
    const result = await clientFor(fake, 'dify_chat', { responseMode: 'blocking', settings: { timeouts: { firstByteMs: 100 } } }).run(request('think'));
    expect(result.answer).toBe('Echo: think');
  });
});

describe('mid-stream failures', () => {
  test('a disconnect before any text reached the caller is retried', async () => {
    fake.next({ disconnectAfter: 0 });
    const result = await clientFor(fake, 'dify_chat').run(request('drop'), { onText: () => undefined });
    expect(result.answer).toBe('Echo: drop');
    expect(fake.runRequests().map((r) => r.outcome)).toEqual(['disconnected', 'answered']);
  });

  test('after text reached onText, a disconnect is not retried: StreamError with textDelivered', async () => {
    fake.next({ disconnectAfter: 2, chunkDelayMs: 0, chunks: 6 });
    const deltas: string[] = [];
    const err = await failure(clientFor(fake, 'dify_chat').run(request('half an answer'), { onText: (d) => deltas.push(d) }));
    expect(err).toBeInstanceOf(StreamError);
    expect(err.textDelivered).toBe(true);
    expect(deltas.length).toBe(2);
    expect(fake.runRequests()).toHaveLength(1);
  });

  test('a retried stream stops the abandoned Dify task first', async () => {
    fake.next({ disconnectAfter: 1, chunkDelayMs: 0 });
    await clientFor(fake, 'dify_chat').run(request('retry me'));
    const firstTask = fake.runRequests()[0]?.taskId;
    expect(fake.stopRequests().map((r) => r.taskId)).toEqual([firstTask]);
  });
});

describe('cancellation', () => {
  test('aborting mid-stream stops the Dify task with the user and throws CancelledError', async () => {
    fake.next({ chunkDelayMs: 100, chunks: 20 });
    const controller = new AbortController();
    const run = clientFor(fake, 'dify_chat').run(request('long story'), {
      signal: controller.signal,
      onText: () => controller.abort(new Error('user left')),
    });
    const err = await failure(run);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.retryable).toBe(false);
    const stop = fake.stopRequests()[0];
    expect(stop?.path).toBe(`/v1/chat-messages/${fake.runRequests()[0]?.taskId}/stop`);
    expect(stop?.body).toEqual({ user: 'slack:U123' });
  });

  test('workflow tasks stop at /workflows/tasks/:id/stop', async () => {
    fake.mode = 'workflow';
    fake.next({ chunkDelayMs: 100, chunks: 20 });
    const controller = new AbortController();
    await failure(clientFor(fake, 'dify_workflow').run(request('long'), { signal: controller.signal, onText: () => controller.abort() }));
    expect(fake.stopRequests()[0]?.path).toBe(`/v1/workflows/tasks/${fake.runRequests()[0]?.taskId}/stop`);
  });

  test('aborting before the stream started calls no stop', async () => {
    fake.next({ hang: 'before_headers' });
    const controller = new AbortController();
    // Abort once Dify holds the run request (a fixed delay could fire before the request was sent on a busy machine).
    const poll = setInterval(() => {
      if (fake.runRequests().length > 0) {
        clearInterval(poll);
        controller.abort();
      }
    }, 10);
    const err = await failure(clientFor(fake, 'dify_chat').run(request('x'), { signal: controller.signal })).finally(() => clearInterval(poll));
    expect(err).toBeInstanceOf(CancelledError);
    expect(fake.stopRequests()).toHaveLength(0);
    expect(fake.runRequests()).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  test('opens after N consecutive transient failures, fails fast with retryAfterMs, half-opens after the cooldown', async () => {
    let now = 1_000_000;
    const deps = testDeps({ breakerRegistry: new BreakerRegistry(() => now), clock: () => now });
    const config = configFor(fake, 'dify_chat', { settings: { retry: { attempts: 1 }, breaker: { failureThreshold: 3, cooldownMs: 10_000 } } });
    fake.script(() => ({ status: 500 }));
    for (let i = 0; i < 3; i++) await failure(createWorkflowClient(config, deps).run(request(`f${i}`)));
    expect(fake.runRequests()).toHaveLength(3);

    // A re-created client shares the breaker (registry keyed by workflow id).
    const open = await failure(createWorkflowClient(config, deps).run(request('while open')));
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect(open).toMatchObject({ code: 'circuit_open', retryable: true, retryAfterMs: 10_000 });
    now += 4_000;
    expect((await failure(createWorkflowClient(config, deps).run(request('later')))).retryAfterMs).toBe(6_000);
    expect(fake.runRequests()).toHaveLength(3);

    now += 6_000;
    fake.script(null);
    const probe = await createWorkflowClient(config, deps).run(request('probe'));
    expect(probe.answer).toBe('Echo: probe');
    expect(deps.breakerRegistry.get(config.id, { failureThreshold: 3, cooldownMs: 10_000 }).state()).toBe('closed');
  });

  test('a failed probe opens it again', async () => {
    let now = 0;
    const deps = testDeps({ breakerRegistry: new BreakerRegistry(() => now) });
    const config = configFor(fake, 'dify_chat', { settings: { retry: { attempts: 1 }, breaker: { failureThreshold: 1, cooldownMs: 1_000 } } });
    fake.script(() => ({ status: 503 }));
    await failure(createWorkflowClient(config, deps).run(request('a')));
    now += 1_000;
    expect(await failure(createWorkflowClient(config, deps).run(request('probe')))).toBeInstanceOf(UpstreamError);
    expect(await failure(createWorkflowClient(config, deps).run(request('b')))).toBeInstanceOf(CircuitOpenError);
    expect(fake.runRequests()).toHaveLength(2);
  });

  test('one input that always fails counts once, however often it is retried; different failing inputs open it', async () => {
    const deps = testDeps();
    const config = configFor(fake, 'dify_chat', { settings: { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 }, breaker: { failureThreshold: 3, cooldownMs: 60_000 } } });
    const breaker = () => deps.breakerRegistry.get(config.id, { failureThreshold: 3, cooldownMs: 60_000 });
    const budget = (key: string) => ({ key, tryAgain: async () => true });
    const failing = (req: { key: string }) => (req.key.startsWith('poison') || req.key.startsWith('down') ? { status: 500 } : undefined);
    fake.script(failing);
    // Three processing attempts of one message, four calls each: twelve failures, one input.
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await failure(createWorkflowClient(config, deps).run(request('poison'), { budget: budget('message-1') }))).toBeInstanceOf(UpstreamError);
    }
    expect(fake.runRequests()).toHaveLength(12);
    expect(breaker().state()).toBe('closed');
    expect((await createWorkflowClient(config, deps).run(request('healthy'), { budget: budget('message-2') })).answer).toBe('Echo: healthy');

    // The backend failing everybody: three different inputs in a row.
    for (let i = 0; i < 3; i++) await failure(createWorkflowClient(config, deps).run(request(`down ${i}`), { budget: budget(`message-down-${i}`) }));
    expect(breaker().state()).toBe('open');
    expect(await failure(createWorkflowClient(config, deps).run(request('healthy again'), { budget: budget('message-3') }))).toBeInstanceOf(CircuitOpenError);
  });

  test('429 is an upstream-health failure: rate limits from different inputs open it', async () => {
    const deps = testDeps();
    const config = configFor(fake, 'dify_chat', { settings: { retry: { attempts: 1 }, breaker: { failureThreshold: 2, cooldownMs: 60_000 } } });
    fake.script(() => ({ status: 429, retryAfter: '0.01' }));
    for (const key of ['a', 'b']) expect(await failure(createWorkflowClient(config, deps).run(request(key), { budget: { key, tryAgain: async () => true } }))).toBeInstanceOf(RateLimitError);
    expect(await failure(createWorkflowClient(config, deps).run(request('c')))).toBeInstanceOf(CircuitOpenError);
  });

  test('a workflow that fails on this input proves the backend is up: it never opens the breaker', async () => {
    fake.mode = 'workflow';
    const deps = testDeps();
    const config = configFor(fake, 'dify_workflow', { settings: { breaker: { failureThreshold: 1, cooldownMs: 60_000 } } });
    fake.script(() => ({ workflowStatus: 'failed' }));
    for (let i = 0; i < 3; i++) {
      const err = await failure(createWorkflowClient(config, deps).run(request(`bad input ${i}`)));
      expect(err).toBeInstanceOf(StreamError);
      expect(err.retryable).toBe(false);
    }
    expect(deps.breakerRegistry.get(config.id, { failureThreshold: 1, cooldownMs: 60_000 }).state()).toBe('closed');
  });

  test('permanent errors do not open it', async () => {
    const deps = testDeps();
    const config = configFor(fake, 'dify_chat', { settings: { breaker: { failureThreshold: 2, cooldownMs: 1_000 } } });
    fake.script(() => ({ status: 400, errorCode: 'invalid_param' }));
    for (let i = 0; i < 4; i++) expect(await failure(createWorkflowClient(config, deps).run(request(`v${i}`)))).toBeInstanceOf(ValidationError);
  });
});

describe('retry budget of the caller', () => {
  test('every retry asks the budget with its delay; a refusal ends the call with the last failure', async () => {
    fake.script(() => ({ status: 502 }));
    const asked: number[] = [];
    let left = 1;
    const err = await failure(
      clientFor(fake, 'dify_chat', { settings: { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 } } }).run(request('budgeted'), {
        budget: {
          key: 'message-9',
          tryAgain: async (afterMs) => {
            asked.push(afterMs);
            return left-- > 0;
          },
        },
      }),
    );
    expect(err).toBeInstanceOf(UpstreamError);
    // One retry granted, the second refused: two calls instead of the binding's four.
    expect(fake.runRequests()).toHaveLength(2);
    expect(asked).toHaveLength(2);
    for (const ms of asked) expect(ms).toBeGreaterThan(0);
  });
});

describe('concurrency cap', () => {
  test('at most `concurrency` runs reach Dify at once; the rest wait their turn', async () => {
    fake.script(() => ({ headersDelayMs: 50 }));
    const client = clientFor(fake, 'dify_chat', { settings: { concurrency: 2 } });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => client.run(request(`c${i}`))));
    expect(results.map((r) => r.answer)).toEqual(Array.from({ length: 6 }, (_, i) => `Echo: c${i}`));
    expect(fake.maxInFlightRuns).toBe(2);
  });

  test('beyond maxWaiting, runs fail fast with a retryable OverloadedError', async () => {
    fake.script(() => ({ headersDelayMs: 100 }));
    const client = clientFor(fake, 'dify_chat', { settings: { concurrency: 1, maxWaiting: 1 } });
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => client.run(request(`o${i}`))));
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(OverloadedError);
      expect(retryHintOf(r.reason).retryable).toBe(true);
    }
  });
});
