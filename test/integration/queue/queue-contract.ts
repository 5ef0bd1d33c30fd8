/**
 * The behaviour every queue driver promises (src/queue/types.ts), run against each driver by its own test file.
 * Timings are ms-scale so the suite runs in seconds; waits poll instead of sleeping a fixed time where they can.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeferJob, PermanentJobError, type JobContext, type ProcessJob, type Queue, type QueueOptions } from '../../../src/queue/types.js';

export type MakeQueue = (opts: QueueOptions) => Queue | Promise<Queue>;

export interface ContractHooks {
  /** Runs after every test, once its queues are closed (e.g. obliterate Redis keys). */
  cleanup?: () => Promise<void>;
}

interface Call {
  messageId: string;
  attempt: number;
  isLastAttempt: boolean;
  at: number;
}

/** Fast settings: retries in a few ms. */
const FAST: QueueOptions = { concurrency: 4, attempts: 3, backoffMs: 5, maxBackoffMs: 50 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

class TransientError extends Error {
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

class BadKeyError extends Error {
  readonly retryable = false;
}

let seq = 0;
const uid = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${++seq}`;

export function runQueueContract(name: string, makeQueue: MakeQueue, hooks: ContractHooks = {}): void {
  describe(`Queue contract: ${name}`, () => {
    const open: Queue[] = [];

    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.close(2000)));
      await hooks.cleanup?.();
    });

    async function make(opts: QueueOptions = {}): Promise<Queue> {
      const q = await makeQueue({ ...FAST, ...opts });
      open.push(q);
      return q;
    }

    /** A worker recording each call; `behave` decides what the call does (resolve by default). */
    function recorder(behave: (job: ProcessJob, ctx: JobContext, n: number) => Promise<void> | void = () => undefined) {
      const calls: Call[] = [];
      const dead: { job: ProcessJob; err: unknown; at: number }[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      return {
        calls,
        dead,
        get maxInFlight() {
          return maxInFlight;
        },
        count: (id: string) => calls.filter((c) => c.messageId === id).length,
        handler: async (job: ProcessJob, ctx: JobContext) => {
          calls.push({ messageId: job.messageId, attempt: ctx.attempt, isLastAttempt: ctx.isLastAttempt, at: Date.now() });
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            await behave(job, ctx, calls.filter((c) => c.messageId === job.messageId).length);
          } finally {
            inFlight--;
          }
        },
        onDead: async (job: ProcessJob, err: unknown) => {
          dead.push({ job, err, at: Date.now() });
        },
      };
    }

    it('answers ping when ready', async () => {
      const q = await make();
      expect(await q.ping()).toBe(true);
    });

    it('runs every job exactly once', async () => {
      const q = await make({ concurrency: 4 });
      const r = recorder(() => sleep(Math.random() * 5));
      const ids = Array.from({ length: 30 }, () => uid('once'));
      await q.startWorker(r.handler, r.onDead);
      for (const id of ids) await q.enqueue({ messageId: id });
      await waitFor(() => r.calls.length >= ids.length, 10_000, 'all jobs');
      await sleep(150);
      expect(r.calls).toHaveLength(ids.length);
      for (const id of ids) expect(r.count(id)).toBe(1);
      expect(r.calls.every((c) => c.attempt === 1)).toBe(true);
      expect(r.dead).toHaveLength(0);
    });

    it('never runs more than `concurrency` jobs at once', async () => {
      const q = await make({ concurrency: 3 });
      const r = recorder(() => sleep(40));
      const ids = Array.from({ length: 12 }, () => uid('conc'));
      for (const id of ids) await q.enqueue({ messageId: id });
      await q.startWorker(r.handler, r.onDead);
      await waitFor(() => r.calls.length >= ids.length, 10_000, 'all jobs');
      expect(r.maxInFlight).toBeLessThanOrEqual(3);
      expect(r.maxInFlight).toBeGreaterThan(1);
    });

    it('retries a failing job, then succeeds', async () => {
      const q = await make({ attempts: 5 });
      const r = recorder((_job, ctx) => {
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
      });
      const id = uid('retry');
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: id });
      await waitFor(() => r.count(id) >= 3, 5000, 'third attempt');
      await sleep(150);
      expect(r.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
      expect(r.calls.every((c) => !c.isLastAttempt)).toBe(true);
      expect(r.dead).toHaveLength(0);
    });

    it('calls onDead once when attempts are exhausted', async () => {
      const q = await make({ attempts: 3 });
      const r = recorder((_job, ctx) => {
        throw new Error(`always ${ctx.attempt}`);
      });
      const id = uid('exhaust');
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: id });
      await waitFor(() => r.dead.length >= 1, 5000, 'dead letter');
      await sleep(150);
      expect(r.calls.map((c) => [c.attempt, c.isLastAttempt])).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect(r.dead).toHaveLength(1);
      expect(r.dead[0]!.job).toEqual({ messageId: id });
      expect((r.dead[0]!.err as Error).message).toBe('always 3');
    });

    it('fails a permanent error at once: PermanentJobError or retryable=false', async () => {
      const q = await make({ attempts: 5 });
      const permanent = uid('perm');
      const badKey = uid('badkey');
      const r = recorder((job) => {
        if (job.messageId === permanent) throw new PermanentJobError('app type mismatch');
        throw new BadKeyError('invalid api key');
      });
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: permanent });
      await q.enqueue({ messageId: badKey });
      await waitFor(() => r.dead.length >= 2, 5000, 'two dead letters');
      await sleep(150);
      expect(r.count(permanent)).toBe(1);
      expect(r.count(badKey)).toBe(1);
      expect(r.dead.map((d) => d.job.messageId).sort()).toEqual([permanent, badKey].sort());
      const byId = new Map(r.dead.map((d) => [d.job.messageId, d.err]));
      expect(byId.get(permanent)).toBeInstanceOf(PermanentJobError);
      expect(byId.get(badKey)).toBeInstanceOf(BadKeyError);
    });

    it('does not count DeferJob as an attempt', async () => {
      const q = await make({ attempts: 2 });
      const r = recorder((_job, _ctx, n) => {
        if (n <= 3) throw new DeferJob(10, 'earlier message still running');
        if (n === 4) throw new Error('transient');
      });
      const id = uid('defer');
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: id });
      await waitFor(() => r.count(id) >= 5, 5000, 'fifth call');
      await sleep(150);
      // Three deferrals and one failure with attempts=2: had deferrals counted, the job would be dead.
      expect(r.calls.map((c) => c.attempt)).toEqual([1, 1, 1, 1, 2]);
      expect(r.calls.map((c) => c.isLastAttempt)).toEqual([false, false, false, false, true]);
      expect(r.dead).toHaveLength(0);
      // The deferral waited for its delay.
      expect(r.calls[1]!.at - r.calls[0]!.at).toBeGreaterThanOrEqual(8);
    });

    it('wake runs a job waiting on its own deferral at once, but leaves a retry backoff alone', async () => {
      const q = await make({ attempts: 3, backoffMs: 3000, maxBackoffMs: 3000 });
      const r = recorder((job, _ctx, n) => {
        if (job.messageId.startsWith('wake-deferred') && n === 1) throw new DeferJob(60_000, 'earlier message pending');
        if (job.messageId.startsWith('wake-retry') && n === 1) throw new Error('transient');
      });
      const deferred = uid('wake-deferred');
      const retrying = uid('wake-retry');
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: deferred });
      await q.enqueue({ messageId: retrying });
      await waitFor(() => r.count(deferred) === 1 && r.count(retrying) === 1, 5000, 'first calls');
      await sleep(100);
      const woke = Date.now();
      await q.wake(deferred);
      await q.wake(retrying);
      await waitFor(() => r.count(deferred) === 2, 3000, 'the woken job to run');
      // Without wake it would have waited a minute.
      expect(r.calls.filter((c) => c.messageId === deferred)[1]!.at - woke).toBeLessThan(2000);
      await sleep(300);
      // The retry backoff (3 s) is respected.
      expect(r.count(retrying)).toBe(1);
    });

    it('wake enqueues a message with no pending job', async () => {
      const q = await make();
      const r = recorder();
      await q.startWorker(r.handler, r.onDead);
      const id = uid('wake-new');
      await q.wake(id);
      await waitFor(() => r.count(id) === 1, 5000, 'the job to run');
    });

    it('ignores a second enqueue of a pending message (waiting, delayed or running)', async () => {
      const q = await make();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const r = recorder(() => gate);
      const id = uid('idem');
      await q.enqueue({ messageId: id });
      await q.enqueue({ messageId: id });
      await q.enqueue({ messageId: id }, { delayMs: 50 });
      await q.startWorker(r.handler, r.onDead);
      await waitFor(() => r.count(id) === 1, 5000, 'first run');
      await q.enqueue({ messageId: id }); // while running
      release();
      await sleep(300);
      expect(r.count(id)).toBe(1);

      const delayed = uid('idem-delayed');
      await q.enqueue({ messageId: delayed }, { delayMs: 150 });
      await q.enqueue({ messageId: delayed });
      await waitFor(() => r.count(delayed) === 1, 5000, 'delayed run');
      await sleep(200);
      expect(r.count(delayed)).toBe(1);
    });

    it('runs a message again when it is re-enqueued after it completed or died', async () => {
      const q = await make({ attempts: 2 });
      const ok = uid('again-ok');
      const dies = uid('again-dead');
      const r = recorder((job, _ctx, n) => {
        if (job.messageId === dies && n === 1) throw new PermanentJobError('first time fails');
      });
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: ok });
      await q.enqueue({ messageId: dies });
      await waitFor(() => r.count(ok) === 1 && r.dead.length === 1, 5000, 'first round');
      await sleep(50);
      await q.enqueue({ messageId: ok });
      await q.enqueue({ messageId: dies });
      await waitFor(() => r.count(ok) === 2 && r.count(dies) === 2, 5000, 'second round');
      await sleep(150);
      expect(r.count(ok)).toBe(2);
      expect(r.count(dies)).toBe(2);
      // A new job: fresh attempts.
      expect(r.calls.filter((c) => c.messageId === dies).map((c) => c.attempt)).toEqual([1, 1]);
      expect(r.dead).toHaveLength(1);
    });

    it('runs a delayed job after its delay', async () => {
      const q = await make();
      const r = recorder();
      const id = uid('delay');
      await q.startWorker(r.handler, r.onDead);
      const t0 = Date.now();
      await q.enqueue({ messageId: id }, { delayMs: 300 });
      await sleep(150);
      expect(r.count(id)).toBe(0);
      await waitFor(() => r.count(id) === 1, 5000, 'delayed job');
      expect(r.calls[0]!.at - t0).toBeGreaterThanOrEqual(290);
    });

    it("honours an error's retryAfterMs, capped at maxBackoffMs", async () => {
      const q = await make({ attempts: 3, backoffMs: 1, maxBackoffMs: 400 });
      const slow = uid('retry-after');
      const capped = uid('retry-after-capped');
      const r = recorder((job, ctx) => {
        if (ctx.attempt > 1) return;
        throw new TransientError('429', job.messageId === slow ? 250 : 60_000);
      });
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: slow });
      await q.enqueue({ messageId: capped });
      await waitFor(() => r.count(slow) === 2 && r.count(capped) === 2, 5000, 'second attempts');
      const gap = (id: string) => {
        const [first, second] = r.calls.filter((c) => c.messageId === id);
        return second!.at - first!.at;
      };
      expect(gap(slow)).toBeGreaterThanOrEqual(240); // backoffMs alone would retry within a few ms
      expect(gap(capped)).toBeGreaterThanOrEqual(390);
      expect(gap(capped)).toBeLessThan(2000); // not the 60 s the error asked for
      expect(r.dead).toHaveLength(0);
    });

    it('close waits for a running job, then refuses new jobs', async () => {
      const q = await make();
      let finished = false;
      const r = recorder(async () => {
        await sleep(300);
        finished = true;
      });
      const id = uid('close');
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: id });
      await waitFor(() => r.count(id) === 1, 5000, 'job start');
      await q.close(5000);
      expect(finished).toBe(true);
      await expect(q.enqueue({ messageId: uid('after-close') })).rejects.toThrow();
      expect(await q.ping()).toBe(false);
    });

    it('close aborts a job still running after the timeout through ctx.signal; the abort uses no attempt and is not dead', async () => {
      const q = await make();
      let aborted = false;
      const r = recorder(
        (_job, ctx) =>
          new Promise<void>((_resolve, reject) => {
            // A handler that only stops when told: without a signal it would hold close past its timeout.
            ctx.signal?.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('stopped by the abort'));
            });
          }),
      );
      const id = uid('abort');
      await q.startWorker(r.handler, r.onDead);
      await q.enqueue({ messageId: id });
      await waitFor(() => r.count(id) === 1, 5000, 'job start');
      const t0 = Date.now();
      await q.close(200);
      expect(aborted).toBe(true);
      expect(Date.now() - t0).toBeLessThan(3000);
      await sleep(100);
      expect(r.count(id)).toBe(1);
      expect(r.dead).toHaveLength(0);
    });
  });
}
