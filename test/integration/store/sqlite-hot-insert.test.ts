import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import { createDatabase, HOT_PATH_BUSY_TIMEOUT_MS, type Database } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';
import { createRepositories, type Repositories } from '../../../src/store/repositories/index.js';
import { randomBytes } from 'node:crypto';

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
    expect(database.statementThread).toBeDefined();
    const [inserted] = await repos.messages.insertBatch([row('hot-1')]);
    const stored = await repos.messages.getForWorker(inserted!.id);
    expect(stored).toMatchObject({ platformMessageId: 'hot-1', status: 'queued', receivedAt: new Date('2026-01-02T03:04:05.678Z'), payload: { conversation: { id: 'c', type: 'direct' } } });
  });

  it('falls back to the Prisma path when another process holds the write lock', async () => {
    // A second process holds the write lock well past the writer thread's wait: the thread must give up (BUSY), so a
    // row that lands at all, after the lock is released, was written through the Prisma fallback.
    const holdMs = HOT_PATH_BUSY_TIMEOUT_MS + 700;
    const holder = spawn(process.execPath, ['-e', `
      const D = require('better-sqlite3'); const db = new D(${JSON.stringify(join(dir, 'db.sqlite'))});
      db.exec('BEGIN IMMEDIATE'); console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});
    `], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const started = Date.now();
    const [inserted] = await repos.messages.insertBatch([row('busy-1')]);
    expect(inserted!.duplicate).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(holdMs - 150);
    expect(await repos.messages.getForWorker(inserted!.id)).toMatchObject({ platformMessageId: 'busy-1' });
  });
});
