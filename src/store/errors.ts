import { AppError, UnavailableError } from '../errors.js';

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

/**
 * A database call that did not finish within its deadline. Retryable: the caller's work (a job, a callback) is
 * tried again later instead of waiting on a database that does not answer. The call itself may still finish.
 */
export class StoreTimeoutError extends UnavailableError {
  readonly retryable = true;

  constructor(what: string, timeoutMs: number) {
    super('store_timeout', `${what} did not finish within ${timeoutMs} ms`);
  }
}
