/**
 * A full disk, made deterministic: SQLite's `max_page_count` caps the database at its current size, and filler rows
 * use up every free page, so the next write that needs a new page fails with SQLITE_FULL exactly as on a full disk.
 * The cap is per connection: it is set on every connection the Database holds (Prisma's and the writer thread's).
 */
import type { Database } from '../../src/store/client.js';

const NO_CAP = 1_073_741_823;

export interface FullDatabase {
  /** Lifts the cap (space freed) and drops the filler. */
  release(): Promise<void>;
}

export async function fillSqliteDatabase(database: Database): Promise<FullDatabase> {
  const { db } = database;
  await db.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS test_filler (x BLOB)');
  const [row] = await db.$queryRawUnsafe<{ page_count: bigint }[]>('PRAGMA page_count');
  await setCap(database, Number(row!.page_count));
  for (const size of [2000, 200, 20, 1]) {
    for (;;) {
      try {
        await db.$executeRawUnsafe(`INSERT INTO test_filler VALUES (randomblob(${size}))`);
      } catch (err) {
        if (!/database or disk is full/.test(String((err as Error).message))) throw err;
        break;
      }
    }
  }
  return {
    async release() {
      await setCap(database, NO_CAP);
      await db.$executeRawUnsafe('DROP TABLE test_filler');
    },
  };
}

async function setCap(database: Database, pages: number): Promise<void> {
  const pragma = `PRAGMA max_page_count = ${pages}`;
  await database.db.$queryRawUnsafe(pragma);
  await database.sqliteWriter?.().runEach(pragma, [[]], { timeoutMs: 5000 });
}
