import { AppError } from '../errors.js';

export type StoreErrorCode =
  | 'migration_checksum_mismatch'
  | 'migration_failed_earlier'
  | 'migration_failed'
  | 'migration_lock_timeout'
  | 'migrations_missing'
  | 'row_invalid'
  | 'id_conflict';

/** A storage failure raised on purpose: never exposed to HTTP callers (the message may name tables or files). */
export class StoreError extends AppError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: opts.status ?? 500, expose: false, cause: opts.cause });
  }
}

/** Prisma's unique-constraint violation (P2002), whichever driver adapter raised it. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
