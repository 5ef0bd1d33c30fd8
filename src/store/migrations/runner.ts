import type { LedgerRow } from './ledger.js';
import type { MigrationFile } from './files.js';

/** What one migration transaction may do. */
export interface LedgerTransaction {
  rows(): Promise<LedgerRow[]>;
  /** Runs the migration's SQL and records it in _prisma_migrations, inside the current transaction. */
  apply(file: MigrationFile): Promise<void>;
}

/**
 * A dedicated driver connection for migrating one database. `transaction` runs `step` in one transaction while this
 * process holds the migration lock, so "read the ledger, apply what is missing" cannot race another process.
 */
export interface MigrationRunner {
  transaction<T>(step: (tx: LedgerTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** How long to wait for another process holding the migration lock. */
  lockTimeoutMs: number;
}
