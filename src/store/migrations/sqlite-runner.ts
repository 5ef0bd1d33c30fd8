import { randomUUID } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { prepareSqliteFiles } from '../sqlite-files.js';
import { LEDGER_DDL, SELECT_LEDGER, type LedgerRow } from './ledger.js';
import type { LedgerTransaction, MigrationRunner, RunnerOptions } from './runner.js';

/** Prisma's text format for DateTime in SQLite: ISO 8601 with an explicit +00:00 offset. */
function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/**
 * SQLite: every migration runs in its own `BEGIN IMMEDIATE` transaction, which takes the database's write lock
 * before the ledger is read, so a second process waits (busy timeout) and then sees the migration as applied.
 * Foreign keys are off on this connection (Prisma's table redefinitions drop and recreate tables, which must not
 * cascade) and checked with `PRAGMA foreign_key_check` before each commit.
 */
export function openSqliteRunner(file: string, opts: RunnerOptions): MigrationRunner {
  prepareSqliteFiles(file);
  const conn = new Sqlite(file, { timeout: opts.lockTimeoutMs });
  conn.pragma('journal_mode = WAL');
  conn.pragma('foreign_keys = OFF');

  const tx: LedgerTransaction = {
    async rows() {
      return conn.prepare(SELECT_LEDGER).all() as LedgerRow[];
    },
    async apply(migration) {
      const id = randomUUID();
      conn
        .prepare('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)')
        .run(id, migration.checksum, migration.name, sqliteTimestamp(new Date()));
      conn.exec(migration.sql);
      const violations = conn.prepare('PRAGMA foreign_key_check').all();
      if (violations.length > 0) {
        throw new StoreError('migration_failed', `migration ${migration.name} leaves ${violations.length} foreign key violation(s)`);
      }
      conn
        .prepare('UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?')
        .run(sqliteTimestamp(new Date()), id);
    },
  };

  return {
    async transaction(step) {
      try {
        conn.exec('BEGIN IMMEDIATE');
      } catch (cause) {
        throw new StoreError('migration_lock_timeout', `another process held the database write lock for ${opts.lockTimeoutMs} ms`, { cause });
      }
      try {
        conn.exec(LEDGER_DDL.sqlite);
        const result = await step(tx);
        conn.exec('COMMIT');
        return result;
      } catch (err) {
        if (conn.inTransaction) conn.exec('ROLLBACK');
        throw err;
      }
    },
    async close() {
      conn.close();
    },
  };
}
