import type { Logger } from '../../observability/logger.js';
import { StoreError } from '../errors.js';
import type { MigrationFile } from './files.js';

/** A row of `_prisma_migrations`, the table Prisma Migrate keeps (and `prisma migrate status` reads). */
export interface LedgerRow {
  migrationName: string;
  checksum: string;
  finishedAt: unknown;
  rolledBackAt: unknown;
}

export const LEDGER_TABLE = '_prisma_migrations';

/** Prisma's own DDL for the table, per provider. */
export const LEDGER_DDL = {
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`,
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
} as const;

export const SELECT_LEDGER = `SELECT migration_name AS "migrationName", checksum, finished_at AS "finishedAt", rolled_back_at AS "rolledBackAt"
  FROM "_prisma_migrations" ORDER BY started_at, migration_name`;

/**
 * Compares the migration files with what the database recorded and answers which files still need applying.
 * Refuses (StoreError) when an applied migration's file changed, or when an earlier attempt failed half-way
 * (a row without finished_at that was not rolled back: `prisma migrate resolve` is the way out, as with Prisma).
 */
export function pendingMigrations(files: MigrationFile[], rows: LedgerRow[], logger?: Logger): MigrationFile[] {
  const live = rows.filter((row) => row.rolledBackAt === null || row.rolledBackAt === undefined);
  const failed = live.find((row) => row.finishedAt === null || row.finishedAt === undefined);
  if (failed) {
    throw new StoreError(
      'migration_failed_earlier',
      `migration ${failed.migrationName} started earlier but never finished; inspect the database, then mark it with ` +
        '`prisma migrate resolve --rolled-back` (or --applied) before starting again',
    );
  }
  const applied = new Map(live.map((row) => [row.migrationName, row.checksum]));
  for (const file of files) {
    const recorded = applied.get(file.name);
    if (recorded !== undefined && recorded !== file.checksum) {
      throw new StoreError(
        'migration_checksum_mismatch',
        `migration ${file.name} was applied with checksum ${recorded} but its migration.sql now has ${file.checksum}: ` +
          'applied migrations must not be edited; restore the file and add a new migration instead',
      );
    }
  }
  const known = new Set(files.map((file) => file.name));
  const unknown = [...applied.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) logger?.warn({ migrations: unknown }, 'database has migrations this build does not know (newer release?)');
  return files.filter((file) => !applied.has(file.name));
}
