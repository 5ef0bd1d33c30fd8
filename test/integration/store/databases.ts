/**
 * Fresh, isolated databases for store tests: a SQLite file in a temp folder, or a PostgreSQL schema with a unique
 * name. Both are removed by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import { createDatabase, type Database } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';
import { createRepositories, type NewMessage, type Repositories } from '../../../src/store/repositories/index.js';
import { TEST_PG_URL } from '../../support/services.js';

export interface TestDatabase {
  url: string;
  /** Opens a new connection to the database (several may be open at once). */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export function sqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
  const url = `file:${join(dir, 'test.db')}`;
  return { url, open: () => createDatabase(url), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export function postgresTestDatabase(): TestDatabase {
  if (!TEST_PG_URL) throw new Error('SWITCHBOARD_TEST_PG_URL is not set');
  const schema = `sb_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    open: () => createDatabase(url.toString()),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface SeededSqlite {
  database: Database;
  repos: Repositories;
  tenantId: string;
  botId: string;
  /** A new message of the bot, in one conversation ('c'). */
  message(platformMessageId: string, overrides?: Partial<NewMessage>): NewMessage;
  drop(): Promise<void>;
}

/** A migrated SQLite database in a temp folder with its repositories, one tenant and one bot. */
export async function openSeededSqlite(): Promise<SeededSqlite> {
  const testDb = sqliteTestDatabase();
  const database = await testDb.open();
  await migrate(database);
  const repos = createRepositories(database, createSecretBox([{ version: 1, key: randomBytes(32) }]));
  const tenantId = (await repos.tenants.upsertBySlug({ slug: 't', name: 'T' })).id;
  const botId = (await repos.bots.upsert({ tenantId, name: 'b', platform: 'wecom', mode: 'app', credentials: {}, settings: {}, enabled: true, workflowId: null, approvalPolicy: 'none' })).id;
  return {
    database,
    repos,
    tenantId,
    botId,
    message: (platformMessageId, overrides = {}) => ({
      tenantId,
      botId,
      platform: 'wecom',
      platformMessageId,
      conversationKey: `${botId}|c|`,
      senderId: 'u',
      text: 'hi',
      payload: { conversation: { id: 'c', type: 'direct' } },
      receivedAt: new Date('2026-01-02T03:04:05.678Z'),
      ...overrides,
    }),
    async drop() {
      await database.close();
      await testDb.drop();
    },
  };
}
