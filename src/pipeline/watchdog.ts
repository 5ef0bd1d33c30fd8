import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../observability/logger.js';
import type { JobHandler } from '../queue/types.js';

/** The exit code of a process the watchdog stopped: EX_TEMPFAIL, "try again" (a restart is the remedy). */
export const WATCHDOG_EXIT_CODE = 75;

export interface WatchdogOptions {
  /** Jobs pending with no progress this long: the process reports itself not ready. */
  stallMs: number;
  /** ... this long: the process exits so a supervisor restarts it. 0: never. */
  exitMs: number;
  /**
   * The worker's database path (a transaction on the worker's client, with a deadline). Tried while jobs make no
   * progress: when it works, the jobs are slow (a long workflow run), not stuck.
   */
  probe: () => Promise<void>;
  logger: Logger;
  /** Called once, when `exitMs` has passed. */
  giveUp: (reason: string) => void;
  /** @defaultValue a quarter of stallMs, between 250 ms and 5 s */
  checkEveryMs?: number;
  now?: () => number;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Turns "jobs pending, nothing moving" into a visible state instead of a silent hang. A job attempt that ends
 * without a failed database call is progress, whatever its outcome (a workflow that keeps failing is the workflow's
 * problem, not a stuck process); so is a successful probe of the worker's database path. When there is work (a job
 * running, or one that failed on the database and will retry) and no progress for `stallMs`, `check()` answers not
 * ready with the reason; after `exitMs` the watchdog gives up (logs, and the caller ends the process).
 */
export function createWatchdog(opts: WatchdogOptions) {
  const now = opts.now ?? Date.now;
  const checkEveryMs = opts.checkEveryMs ?? Math.min(5000, Math.max(250, Math.floor(opts.stallMs / 4)));
  const log = opts.logger.child({ component: 'watchdog' });
  /** The attempt a database call belongs to, so a failed call marks it. */
  const attempts = new AsyncLocalStorage<{ storeFailed: boolean }>();
  let running = 0;
  /** Since when there has been work and no progress; undefined when idle or moving. */
  let stalledSince: number | undefined;
  let lastProgressAt = now();
  let probing = false;
  let stalled = false;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;

  function progress(): void {
    lastProgressAt = now();
    stalledSince = running > 0 ? lastProgressAt : undefined;
    if (stalled) log.info('jobs are moving again');
    stalled = false;
  }

  function reason(since: number): string {
    const seconds = Math.round((now() - since) / 1000);
    return `jobs pending with no progress for ${seconds} s (${running} running)`;
  }

  function tick(): void {
    if (stalledSince === undefined) return;
    const idleMs = now() - lastProgressAt;
    if (!probing && idleMs >= checkEveryMs) {
      probing = true;
      opts
        .probe()
        .then(progress, (err: unknown) => log.debug({ err }, 'database probe failed'))
        .finally(() => (probing = false));
    }
    const stuckMs = now() - stalledSince;
    if (stuckMs >= opts.stallMs && !stalled) {
      stalled = true;
      log.error({ reason: reason(stalledSince) }, 'worker stalled: not ready');
    }
    if (opts.exitMs > 0 && stuckMs >= opts.exitMs && !gaveUp) {
      gaveUp = true;
      const why = reason(stalledSince);
      log.fatal({ reason: why }, 'worker stalled for too long: exiting so a supervisor restarts the process');
      opts.giveUp(why);
    }
  }

  return {
    /** Wraps the queue's job handler: counts running jobs and sees how each attempt ends. */
    track(handler: JobHandler): JobHandler {
      return async (job, ctx) => {
        running++;
        stalledSince ??= now();
        const attempt = { storeFailed: false };
        try {
          await attempts.run(attempt, () => handler(job, ctx));
        } finally {
          running--;
          if (!attempt.storeFailed) progress();
        }
      };
    },

    /** A worker database call failed or missed its deadline; the attempt it belongs to is then no progress. */
    storeFailed(): void {
      const attempt = attempts.getStore();
      if (attempt) attempt.storeFailed = true;
    },

    /** For /readyz. */
    check(): Verdict {
      if (stalledSince !== undefined && now() - stalledSince >= opts.stallMs) return { ok: false, reason: reason(stalledSince) };
      return { ok: true };
    },

    start(): void {
      timer ??= setInterval(tick, checkEveryMs);
      timer.unref();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type Watchdog = ReturnType<typeof createWatchdog>;
