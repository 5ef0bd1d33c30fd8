/**
 * Fresh, isolated databases for store tests: a SQLite file in a temp folder, or a PostgreSQL schema with a unique
 * name. Both are removed by `drop()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, type Database } from '../../../src/store/client.js';
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
