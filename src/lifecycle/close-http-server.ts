import type { Server } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { settledWithin } from '../core/settled-within.js';

/**
 * Stops an HTTP server for shutdown: no new connections from now on, idle keep-alive sockets closed at once,
 * requests in flight given `graceMs` to finish; then every socket still open (a stalled upload, a client that never
 * reads its answer) is destroyed, so one stuck client cannot hold the process.
 */
export async function closeHttpServer(server: Server, graceMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A connection whose request finishes during the grace turns idle: close it as soon as it does.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  try {
    if (await settledWithin(closed, graceMs)) return;
    const open = await new Promise<number>((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count)));
    logger.warn({ connections: open, graceMs }, 'closing connections still open after the request grace');
    server.closeAllConnections();
    await closed;
  } finally {
    clearInterval(sweep);
  }
}
