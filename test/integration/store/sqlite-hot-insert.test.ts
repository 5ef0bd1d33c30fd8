import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import { createDatabase, type Database } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';
import { createRepositories, type Repositories } from '../../../src/store/repositories/index.js';
import { randomBytes } from 'node:crypto';
import { holdSqliteWriteLock } from '../../support/sqlite-lock.js';

describe('SQLite inbox insert on its own writer thread', () => {
  let dir: string;
  let database: Database;
  let repos: Repositories;
  let botId: string;
  let tenantId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-hot-'));
    database = await createDatabase(`file:${join(dir, 'db.sqlite')}`);
    await migrate(database);
    repos = createRepositories(database, createSecretBox([{ version: 1, key: randomBytes(32) }]));
    tenantId = (await repos.tenants.upsertBySlug({ slug: 't', name: 'T' })).id;
    botId = (await repos.bots.upsert({ tenantId, name: 'b', platform: 'wecom', mode: 'app', credentials: {}, settings: {}, enabled: true, workflowId: null, approvalPolicy: 'none' })).id;
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const row = (id: string) => ({
    tenantId,
    botId,
    platform: 'wecom',
    platformMessageId: id,
    conversationKey: `${botId}|c|`,
    senderId: 'u',
    text: 'hi',
    payload: { conversation: { id: 'c', type: 'direct' } },
    receivedAt: new Date('2026-01-02T03:04:05.678Z'),
  });

  it('is used when present and reads back exactly what Prisma would', async () => {
    expect(database.sqliteWriter).toBeDefined();
    const [inserted] = await repos.messages.insertBatch([row('hot-1')]);
    const stored = await repos.messages.getForWorker(inserted!.id);
    expect(stored).toMatchObject({ platformMessageId: 'hot-1', status: 'queued', receivedAt: new Date('2026-01-02T03:04:05.678Z'), payload: { conversation: { id: 'c', type: 'direct' } } });
  });

  it('gives up within its timeout while another process holds the write lock, writing nothing', async () => {
    // No fallback to a longer wait: the caller (ingress) answers 503 in time and the platform retries.
    const timeoutMs = 500;
    const holder = await holdSqliteWriteLock(database, 2000);
    const started = Date.now();
    await expect(repos.messages.insertBatch([row('busy-1')], { timeoutMs })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(took).toBeLessThan(timeoutMs + 1000);
    await holder.done;
    expect(await database.db.message.count({ where: { platformMessageId: 'busy-1' } })).toBe(0);
    // The platform's retry, once the lock is free, stores it once.
    const [retried] = await repos.messages.insertBatch([row('busy-1')], { timeoutMs });
    expect(retried!.duplicate).toBe(false);
    expect(await database.db.message.count({ where: { platformMessageId: 'busy-1' } })).toBe(1);
  });
});
