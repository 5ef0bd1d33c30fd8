import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { createWatchdog, type Watchdog } from '../../../src/pipeline/watchdog.js';
import type { JobHandler } from '../../../src/queue/types.js';

const STALL_MS = 10_000;
const EXIT_MS = 30_000;
const ctx = { attempt: 1, isLastAttempt: false };

describe('watchdog', () => {
  let probeWorks: boolean;
  let giveUp: ReturnType<typeof vi.fn<(reason: string) => void>>;
  let watchdog: Watchdog;

  beforeEach(() => {
    vi.useFakeTimers();
    probeWorks = false;
    giveUp = vi.fn<(reason: string) => void>();
    watchdog = createWatchdog({
      stallMs: STALL_MS,
      exitMs: EXIT_MS,
      logger: silentLogger,
      probe: async () => {
        if (!probeWorks) throw new Error('database does not answer');
      },
      giveUp,
      now: () => Date.now(),
    });
    watchdog.start();
  });
  afterEach(() => {
    watchdog.stop();
    vi.useRealTimers();
  });

  /** A job that runs until `finish` is called; `storeFails` marks a failed database call during it. */
  function startJob(opts: { storeFails?: boolean; error?: Error } = {}) {
    let finish!: () => void;
    const handler: JobHandler = async () => {
      if (opts.storeFails) watchdog.storeFailed();
      await new Promise<void>((resolve) => (finish = resolve));
      if (opts.error) throw opts.error;
    };
    const done = watchdog.track(handler)({ messageId: 'm' }, ctx).catch(() => undefined);
    return { finish: () => finish(), done };
  }

  it('stays ready while idle, however long', async () => {
    await vi.advanceTimersByTimeAsync(10 * EXIT_MS);
    expect(watchdog.check()).toEqual({ ok: true });
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('a job that never ends while the database path does not answer: not ready after the stall limit, gives up after the exit limit', async () => {
    startJob();
    await vi.advanceTimersByTimeAsync(STALL_MS - 1000);
    expect(watchdog.check()).toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(1500);
    expect(watchdog.check()).toEqual({ ok: false, reason: expect.stringMatching(/^jobs pending with no progress for 1\d s \(1 running\)$/) });
    expect(giveUp).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(EXIT_MS - STALL_MS);
    expect(giveUp).toHaveBeenCalledTimes(1);
    expect(giveUp.mock.calls[0]![0]).toMatch(/no progress for 3\d s/);
    await vi.advanceTimersByTimeAsync(EXIT_MS);
    expect(giveUp).toHaveBeenCalledTimes(1);
  });

  it('a slow job is not a stall while the database path answers', async () => {
    probeWorks = true;
    const job = startJob();
    await vi.advanceTimersByTimeAsync(3 * STALL_MS);
    expect(watchdog.check()).toEqual({ ok: true });
    job.finish();
    await job.done;
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('jobs that end on failed database calls are no progress; a job that ends cleanly is', async () => {
    const failing = startJob({ storeFails: true, error: new Error('store_timeout') });
    failing.finish();
    await failing.done;
    // Nothing runs now, but the failed job will retry: the work is still pending.
    await vi.advanceTimersByTimeAsync(STALL_MS + 1000);
    expect(watchdog.check()).toMatchObject({ ok: false, reason: expect.stringMatching(/\(0 running\)/) });

    const healthy = startJob();
    healthy.finish();
    await healthy.done;
    expect(watchdog.check()).toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(EXIT_MS);
    expect(watchdog.check()).toEqual({ ok: true });
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('a job failing for another reason (the workflow) is progress', async () => {
    const job = startJob({ error: new Error('workflow down') });
    job.finish();
    await job.done;
    await vi.advanceTimersByTimeAsync(EXIT_MS + 1000);
    expect(watchdog.check()).toEqual({ ok: true });
  });

  it('after a stall, the database path answering again makes it ready again', async () => {
    startJob({ storeFails: true });
    await vi.advanceTimersByTimeAsync(STALL_MS + 1000);
    expect(watchdog.check().ok).toBe(false);
    probeWorks = true;
    await vi.advanceTimersByTimeAsync(STALL_MS / 2);
    expect(watchdog.check()).toEqual({ ok: true });
  });

  it('never gives up with an exit limit of 0', async () => {
    watchdog.stop();
    const patient = createWatchdog({ stallMs: STALL_MS, exitMs: 0, logger: silentLogger, probe: () => Promise.reject(new Error('down')), giveUp, now: () => Date.now() });
    patient.start();
    void patient.track(() => new Promise<void>(() => undefined))({ messageId: 'm' }, ctx);
    await vi.advanceTimersByTimeAsync(10 * EXIT_MS);
    expect(patient.check().ok).toBe(false);
    expect(giveUp).not.toHaveBeenCalled();
    patient.stop();
  });
});
