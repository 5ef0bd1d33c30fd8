/**
 * Whether real writes are failing for want of storage (a full disk, an I/O error, a read-only file), for readiness.
 * A heartbeat alone cannot tell: a one-row update rewrites a page in place and still succeeds on a full disk,
 * while the inserts that need a new page fail. So the writes themselves report here: a storage failure is
 * remembered until a later write succeeds, or for `memoryMs` when no write comes (an idle process must not stay
 * unready for good on an old failure).
 */
export class WriteHealth {
  private failure: { code: string; at: number } | undefined;

  constructor(
    private readonly memoryMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A write failed with this SQLite code; only storage failures are kept (a busy lock is not one). */
  failed(code: string | undefined): void {
    if (code !== undefined && isStorageFailure(code)) this.failure = { code, at: this.now() };
  }

  succeeded(): void {
    this.failure = undefined;
  }

  /** The code of the storage failure no write has succeeded since, if it is recent. */
  failing(): string | undefined {
    if (this.failure && this.now() - this.failure.at > this.memoryMs) this.failure = undefined;
    return this.failure?.code;
  }
}

const STORAGE_FAILURES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;

export function isStorageFailure(code: string): boolean {
  return STORAGE_FAILURES.test(code);
}
