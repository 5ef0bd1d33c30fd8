/**
 * While another process holds SQLite's write lock, writes on the Prisma connection wait for it without blocking the
 * event loop: SQLite's own busy wait is a sleep on the calling thread, so the connection's busy timeout is a few
 * milliseconds and the wait happens in asynchronous retries.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import type { Database } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';
import { createRepositories, type Repositories } from '../../../src/store/repositories/index.js';
import { holdSqliteWriteLock } from '../../support/sqlite-lock.js';
import { sqliteTestDatabase, type TestDatabase } from './databases.js';

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
  let testDb: TestDatabase;
  let database: Database;
  let repos: Repositories;
  let tenantId: string;
  let messageId: string;
  let conversationId: string;

  beforeAll(async () => {
    testDb = sqliteTestDatabase();
    database = await testDb.open();
    await migrate(database);
    repos = createRepositories(database, createSecretBox([{ version: 1, key: randomBytes(32) }]));
    tenantId = (await repos.tenants.upsertBySlug({ slug: 't', name: 'T' })).id;
    const botId = (await repos.bots.upsert({ tenantId, name: 'b', platform: 'wecom', mode: 'app', credentials: {}, settings: {}, enabled: true, workflowId: null, approvalPolicy: 'none' })).id;
    const [row] = await repos.messages.insertBatch([
      { tenantId, botId, platform: 'wecom', platformMessageId: 'm1', conversationKey: `${botId}|c|`, senderId: 'u', text: 'hi', payload: { conversation: { id: 'c', type: 'direct' } }, receivedAt: new Date() },
    ]);
    messageId = row!.id;
    conversationId = (await repos.conversations.upsert({ tenantId, botId, platformConversationId: 'c', threadKey: '', type: 'direct' })).id;
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('a worker write waits until the lock is released, and the event loop keeps turning meanwhile', async () => {
    const holdMs = 1500;
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
