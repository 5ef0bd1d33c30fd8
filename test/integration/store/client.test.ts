import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { createDatabase, EVENT_LOOP_BUSY_TIMEOUT_MS } from '../../../src/store/client.js';
import { describeWithPostgres } from '../../support/services.js';
import { postgresTestDatabase } from './databases.js';

describe('createDatabase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-client-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite: creates the folder and runs with WAL, foreign keys, NORMAL sync and no busy sleep on the event loop', async () => {
    const file = join(dir, 'nested', 'deeper', 'sb.db');
    const database = await createDatabase(`file:${file}`);
    try {
      expect(database.provider).toBe('sqlite');
      expect(existsSync(file)).toBe(true);
      const pragma = async (name: string) => Object.values(((await database.db.$queryRawUnsafe(`PRAGMA ${name}`)) as Record<string, unknown>[])[0] ?? {})[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(Number(await pragma('foreign_keys'))).toBe(1);
      expect(Number(await pragma('synchronous'))).toBe(1);
      // Waiting for another writer happens in asynchronous retries (sqlite-adapter.ts), not inside SQLite.
      expect(Number(await pragma('busy_timeout'))).toBe(EVENT_LOOP_BUSY_TIMEOUT_MS);
      expect(EVENT_LOOP_BUSY_TIMEOUT_MS).toBeLessThanOrEqual(10);
      expect(await database.ping()).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('PostgreSQL: ping answers false (never throws) when the server is unreachable', async () => {
    const database = await createDatabase('postgresql://nobody@127.0.0.1:1/none');
    try {
      expect(await database.ping()).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('refuses other schemes with a ConfigError naming DATABASE_URL', async () => {
    await expect(createDatabase('mysql://localhost/db')).rejects.toBeInstanceOf(ConfigError);
    await expect(createDatabase('mysql://localhost/db')).rejects.toThrow(/DATABASE_URL/);
  });
});

describeWithPostgres('createDatabase on PostgreSQL', () => {
  it('keeps raw SQL and Prisma in the ?schema= schema', async () => {
    const testDb = postgresTestDatabase();
    const database = await createDatabase(testDb.url);
    try {
      expect(database.provider).toBe('postgresql');
      expect(database.target).toMatchObject({ provider: 'postgresql', schema: expect.stringMatching(/^sb_test_/) });
      expect(await database.ping()).toBe(true);
      await database.db.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS "${database.target.provider === 'postgresql' ? database.target.schema : ''}"`);
      const [row] = (await database.db.$queryRawUnsafe('SELECT current_schema()::text AS schema')) as { schema: string }[];
      expect(row?.schema).toBe(database.target.provider === 'postgresql' ? database.target.schema : undefined);
    } finally {
      await database.close();
      await testDb.drop();
    }
  });
});
