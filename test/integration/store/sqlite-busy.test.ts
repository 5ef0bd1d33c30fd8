/**
 * While another process holds SQLite's write lock, writes on the Prisma connection wait for it without blocking the
 * event loop: SQLite's own busy wait is a sleep on the calling thread, so the connection's busy timeout is a few
 * milliseconds and the wait happens in asynchronous retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdSqliteWriteLock } from '../../support/sqlite-lock.js';
import { openSeededSqlite, type SeededSqlite } from './databases.js';

/** The longest gap between ticks of a 5 ms timer: how long the event loop was blocked at most. */
function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return worst;
    },
  };
}

describe("SQLite: waiting for another process's write lock", () => {
  let store: SeededSqlite;
  let messageId: string;
  let conversationId: string;

  beforeAll(async () => {
    store = await openSeededSqlite();
    const { repos, tenantId, botId } = store;
    messageId = (await repos.messages.insertBatch([store.message('m1')]))[0]!.id;
    conversationId = (await repos.conversations.upsert({ tenantId, botId, platformConversationId: 'c', threadKey: '', type: 'direct' })).id;
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('a worker write waits until the lock is released, and the event loop keeps turning meanwhile', async () => {
    const holdMs = 1500;
    const { database, repos } = store;
    const holder = await holdSqliteWriteLock(database, holdMs);
    const loop = watchEventLoop();
    const started = Date.now();
    await repos.messages.setStatusForWorker(messageId, 'running');
    const waited = Date.now() - started;
    const worstBlockMs = loop.stop();
    await holder.done;
    expect(waited).toBeGreaterThanOrEqual(holdMs - 300);
    expect((await repos.messages.getForWorker(messageId))?.status).toBe('running');
    // A generous bound for a loaded machine; the SQLite busy sleep blocked it for the whole hold.
    expect(worstBlockMs).toBeLessThan(250);
  });

  it('writes issued while waiting land in the order they were issued', async () => {
    // A lease renewal still waiting when the lease is released must not land after the release and re-take it.
    const { database, repos, tenantId } = store;
    expect(await repos.conversations.acquireLock(conversationId, 'worker-a', 30_000)).toBe(true);
    const holder = await holdSqliteWriteLock(database, 1000);
    const renewal = repos.conversations.acquireLock(conversationId, 'worker-a', 30_000);
    // Issued just before the lock comes free: a write retrying on its own would now try more often than the renewal.
    await new Promise((r) => setTimeout(r, 940));
    const release = repos.conversations.releaseLock(conversationId, 'worker-a');
    await Promise.all([renewal, release, holder.done]);
    expect(await repos.conversations.get(tenantId, conversationId)).toMatchObject({ lockedBy: null });
  });
});
