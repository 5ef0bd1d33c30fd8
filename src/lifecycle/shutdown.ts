/**
 * How a serving process stops on SIGTERM / SIGINT, in order, each step bounded so the whole stays within
 * SHUTDOWN_REQUEST_GRACE_MS + SHUTDOWN_TIMEOUT_MS + a few seconds:
 *   1. HTTP: stop accepting, let requests in flight finish for the request grace, then cut the remaining sockets;
 *   2. worker: stop the sweep and stop taking jobs; running jobs get the job grace, then are aborted (they go back to
 *      `queued` and run after the restart; a workflow answer already stored is not asked for again);
 *   3. platform connections, caches, database closed; the data directory unlocked; exit 0.
 * Exit 1 only when a step failed, or when the whole took longer than its budget (then nothing is waited for).
 */
import type { Runtime, WebHandle, WorkerHandle } from '../main.js';
import { ABORTED_JOBS_SETTLE_MS } from '../queue/types.js';
import type { DataDirLock } from './data-dir-lock.js';

export interface Service {
  runtime: Runtime;
  web?: WebHandle;
  worker?: WorkerHandle;
  lock?: DataDirLock;
}

/** Room for closing connections and the database after the graces. */
const CLOSE_MARGIN_MS = 5000;
/** How often a process started by npm looks whether npm is still there. */
const PARENT_CHECK_MS = 1000;

/** Stops the service once, whatever asks first; later calls wait for the same stop. */
export function createShutdown(service: Service, exit: (code: number) => void = (code) => process.exit(code)): (reason: string) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (reason) => (stopping ??= stop(service, reason, exit));
}

async function stop({ runtime, web, worker, lock }: Service, reason: string, exit: (code: number) => void): Promise<void> {
  const { logger, config } = runtime;
  const requestGraceMs = config.shutdownRequestGraceMs;
  const jobGraceMs = config.shutdownTimeoutMs;
  const budgetMs = requestGraceMs + jobGraceMs + ABORTED_JOBS_SETTLE_MS + CLOSE_MARGIN_MS;
  logger.info({ reason, requestGraceMs, jobGraceMs }, 'shutting down');
  const force = setTimeout(() => {
    logger.error({ budgetMs }, 'shutdown did not finish in time; exiting anyway');
    exit(1);
  }, budgetMs);
  force.unref();

  let clean = true;
  const step = async (what: string, fn: () => Promise<unknown> | void) => {
    try {
      await fn();
    } catch (err) {
      clean = false;
      logger.error({ err }, `shutdown: ${what} failed`);
    }
  };
  await step('closing the HTTP server', () => web?.close(requestGraceMs));
  await step('stopping the worker', () => worker?.close());
  await step('closing the runtime', () => runtime.close());
  await step('releasing the data directory', () => lock?.release());
  clearTimeout(force);
  logger.info({ clean }, 'stopped');
  exit(clean ? 0 : 1);
}

/**
 * SIGTERM and SIGINT stop the service gracefully; a repeated signal (a terminal's Ctrl-C reaches npm and the
 * server both) does not cut the grace short. Started by npm, the service also stops when npm goes away: npm passes
 * signals to the shell it runs a script in, and the shell (dash) does not pass them on. `npm start` execs the server
 * in place of that shell, but `npx switchboard start` cannot, and neither helps when npm itself is killed; a server
 * left behind by its launcher would keep serving unseen.
 */
export function installShutdown(service: Service): void {
  const shutdown = createShutdown(service);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      void shutdown('parent process exited');
    }, PARENT_CHECK_MS);
    watch.unref();
  }
}
