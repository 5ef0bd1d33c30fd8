/**
 * The base of every error Switchboard raises on purpose. Each layer derives its own family from it
 * (VerifyError, DecodeError, WorkflowError, PlatformApiError, StoreError, ConfigError, ...).
 *
 * - `code` is stable and machine-readable (`bad_signature`, `payload_too_large`, ...).
 * - `status` is the HTTP status when the error reaches HTTP.
 * - `expose` says whether `message` may be shown to the caller; when false the HTTP layer answers a
 *   generic message for the status and only logs the real one.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;

  constructor(code: string, message: string, opts: { status?: number; expose?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = opts.status ?? 500;
    this.expose = opts.expose ?? this.status < 500;
  }
}

/** The request was malformed or not acceptable: 400 unless said otherwise. */
export class BadRequestError extends AppError {
  constructor(code: string, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: opts.status ?? 400, expose: true, cause: opts.cause });
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 404, expose: true });
  }
}

/** Authentication of a platform callback failed. Always opaque to the caller. */
export class VerifyError extends AppError {
  constructor(code: string, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, { status: 401, expose: false, cause: opts.cause });
  }
}

/** A service we depend on (database, queue) is unavailable: 503 so platforms retry later. */
export class UnavailableError extends AppError {
  constructor(code: string, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, { status: 503, expose: false, cause: opts.cause });
  }
}

/** A configuration value is wrong; raised at startup or when applying declarative config. */
export class ConfigError extends AppError {
  constructor(message: string, opts: { code?: string; cause?: unknown } = {}) {
    super(opts.code ?? 'config_invalid', message, { status: 400, expose: true, cause: opts.cause });
  }
}

/**
 * A failure that retrying cannot fix (bad key, wrong app type, recipient not found).
 * The queue stops retrying and the message goes to the dead letters at once.
 */
export interface RetryHint {
  /** true: retry later; false: fail for good. */
  retryable: boolean;
  /** When the remote told us how long to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

export function retryHintOf(err: unknown): RetryHint {
  if (err && typeof err === 'object' && 'retryable' in err && typeof (err as RetryHint).retryable === 'boolean') {
    const hint = err as RetryHint;
    return { retryable: hint.retryable, retryAfterMs: hint.retryAfterMs };
  }
  // Unknown errors are treated as transient: losing a message to a bug we could retry is worse.
  return { retryable: true };
}
