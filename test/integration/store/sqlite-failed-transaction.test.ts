/**
 * A write that SQLite rejects inside one of Prisma's implicit transactions (updateMany runs BEGIN … COMMIT) must not
 * wedge the connection. With the database full, SQLite rolls the whole transaction back on its own; Prisma's
 * ROLLBACK then fails ("no transaction is active") and the stock adapter never released its transaction lock: every
 * later transaction waited forever, even after space was freed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import type { Database } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';
import { createRepositories, type Repositories } from '../../../src/store/repositories/index.js';
import { fillSqliteDatabase } from '../../support/sqlite-full.js';
import { sqliteTestDatabase, type TestDatabase } from './databases.js';

/** Settles within `ms` or says it hung: a wedged connection must fail the test, not time it out. */
function within<T>(work: Promise<T>, ms: number): Promise<T | 'hung'> {
  return Promise.race([work, new Promise<'hung'>((resolve) => setTimeout(resolve, ms, 'hung').unref())]);
}

describe('SQLite: a transaction that fails because the database is full', () => {
  let testDb: TestDatabase;
  let database: Database;
  let repos: Repositories;
  let ids: string[];

  beforeAll(async () => {
    testDb = sqliteTestDatabase();
    database = await testDb.open();
    await migrate(database);
    repos = createRepositories(database, createSecretBox([{ version: 1, key: randomBytes(32) }]));
    const tenantId = (await repos.tenants.upsertBySlug({ slug: 't', name: 'T' })).id;
    const botId = (await repos.bots.upsert({ tenantId, name: 'b', platform: 'wecom', mode: 'app', credentials: {}, settings: {}, enabled: true, workflowId: null, approvalPolicy: 'none' })).id;
    const inserted = await repos.messages.insertBatch(
      ['m1', 'm2', 'm3'].map((id) => ({
        tenantId,
        botId,
        platform: 'wecom',
        platformMessageId: id,
        conversationKey: `${botId}|c|`,
        senderId: 'u',
        text: 'hi',
        payload: { conversation: { id: 'c', type: 'direct' } },
        receivedAt: new Date(),
      })),
    );
    ids = inserted.map((m) => m.id);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('reports the real error, and the next transactions run once space is back', async () => {
    const full = await fillSqliteDatabase(database);
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
