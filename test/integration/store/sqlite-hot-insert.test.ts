import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdSqliteWriteLock } from '../../support/sqlite-lock.js';
import { openSeededSqlite, type SeededSqlite } from './databases.js';

describe('SQLite inbox insert on its own writer thread', () => {
  let store: SeededSqlite;

  beforeAll(async () => {
    store = await openSeededSqlite();
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('is used when present and reads back exactly what Prisma would', async () => {
    expect(store.database.sqliteWriter).toBeDefined();
    const [inserted] = await store.repos.messages.insertBatch([store.message('hot-1')]);
    const stored = await store.repos.messages.getForWorker(inserted!.id);
    expect(stored).toMatchObject({ platformMessageId: 'hot-1', status: 'queued', receivedAt: new Date('2026-01-02T03:04:05.678Z'), payload: { conversation: { id: 'c', type: 'direct' } } });
  });

  it('gives up within its timeout while another process holds the write lock, writing nothing', async () => {
    // No fallback to a longer wait: the caller (ingress) answers 503 in time and the platform retries.
    const timeoutMs = 500;
    const holder = await holdSqliteWriteLock(store.database, 2000);
    const started = Date.now();
    await expect(store.repos.messages.insertBatch([store.message('busy-1')], { timeoutMs })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(took).toBeLessThan(timeoutMs + 1000);
    await holder.done;
    expect(await store.database.db.message.count({ where: { platformMessageId: 'busy-1' } })).toBe(0);
    // The platform's retry, once the lock is free, stores it once.
    const [retried] = await store.repos.messages.insertBatch([store.message('busy-1')], { timeoutMs });
    expect(retried!.duplicate).toBe(false);
    expect(await store.database.db.message.count({ where: { platformMessageId: 'busy-1' } })).toBe(1);
  });
});
