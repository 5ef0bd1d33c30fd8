import type { Backlog } from '../../observability/metrics.js';
import type { Db } from '../client.js';
import { idFloorAt } from '../ids.js';

/** Failures are counted among messages that arrived in this window, so the count reads a bounded index range. */
const FAILED_LOOKBACK_MS = 25 * 3_600_000;

/**
 * The messages waiting or stuck, for the metrics scrape. Every count reads a range of the (status, id) index: the
 * unfinished statuses are a small part of the table, and failures are looked for among the last day's arrivals only.
 */
export async function countBacklog(db: Db, now = Date.now()): Promise<Backlog> {
  const [queued, running, awaitingApproval, failedLastHour] = await Promise.all([
    db.message.count({ where: { status: 'queued' } }),
    db.message.count({ where: { status: 'running' } }),
    db.message.count({ where: { status: 'awaiting_approval' } }),
    db.message.count({ where: { status: 'failed', id: { gte: idFloorAt(now - FAILED_LOOKBACK_MS) }, finishedAt: { gte: new Date(now - 3_600_000) } } }),
  ]);
  return { queued, running, awaitingApproval, failedLastHour };
}
