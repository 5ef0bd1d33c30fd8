/**
 * A write that SQLite rejects inside one of Prisma's implicit transactions (updateMany runs BEGIN … COMMIT) must not
 * wedge the connection. With the database full, SQLite rolls the whole transaction back on its own; Prisma's
 * ROLLBACK then fails ("no transaction is active") and the stock adapter never released its transaction lock: every
 * later transaction waited forever, even after space was freed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSqliteDatabase } from '../../support/sqlite-full.js';
import { openSeededSqlite, type SeededSqlite } from './databases.js';

/** Settles within `ms` or says it hung: a wedged connection must fail the test, not time it out. */
function within<T>(work: Promise<T>, ms: number): Promise<T | 'hung'> {
  return Promise.race([work, new Promise<'hung'>((resolve) => setTimeout(resolve, ms, 'hung').unref())]);
}

describe('SQLite: a transaction that fails because the database is full', () => {
  let store: SeededSqlite;
  let ids: string[];

  beforeAll(async () => {
    store = await openSeededSqlite();
    ids = (await store.repos.messages.insertBatch(['m1', 'm2', 'm3'].map((id) => store.message(id)))).map((m) => m.id);
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('reports the real error, and the next transactions run once space is back', async () => {
    const { repos } = store;
    const full = await fillSqliteDatabase(store.database);
    // 2,000 three-byte characters: the row outgrows its page, so the update must allocate one and cannot.
    const failed = await within(
      repos.messages.setStatusForWorker(ids[0]!, 'queued', { lastError: '磁'.repeat(2000) }).then(
        () => 'succeeded',
        (err: unknown) => err,
      ),
      5_000,
    );
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/database or disk is full/);

    await full.release();
    expect(await within(repos.messages.setStatusForWorker(ids[1]!, 'running'), 5_000)).toBeUndefined();
    expect(await within(repos.messages.claimForWorker(ids[2]!, ['queued'], 'running'), 5_000)).toBe(true);
    expect((await repos.messages.getForWorker(ids[1]!))?.status).toBe('running');
  });
});
