import { AppError } from '../../errors.js';
import { isUniqueViolation } from '../../store/errors.js';

/** One problem with one field of the input: where (`body`, `query`, `params`), which field, what is wrong. */
export interface FieldIssue {
  in: 'body' | 'query' | 'params';
  /** Dotted path of the field (`credentials.botToken`); '' for the whole input. */
  path: string;
  code: string;
  message: string;
  /** The line of a posted text document (a YAML config) the problem is on. */
  line?: number;
}

/**
 * An error of the admin API. `details` is shown to the caller next to code and message (it never holds a secret);
 * `headers` go out with the answer (Retry-After).
 */
export class ApiError extends AppError {
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(status: number, code: string, message: string, opts: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, { status, expose: status < 500, cause: opts.cause });
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export class ValidationError extends ApiError {
  constructor(fields: FieldIssue[]) {
    const first = fields[0];
    const where = first ? `${first.in}${first.path ? `.${first.path}` : ''}: ${first.message}` : 'invalid input';
    super(422, 'validation_failed', fields.length > 1 ? `${where} (and ${fields.length - 1} more)` : where, { details: { fields } });
  }
}

/** No (valid) session or token. The reason is logged, never told. */
export function unauthorized(reason: string): ApiError {
  return new ApiError(401, 'unauthorized', reason);
}

export function forbidden(code: string, message: string): ApiError {
  return new ApiError(403, code, message);
}

/** Absent, or of another tenant: the caller cannot tell which. */
export function notFound(what: string): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`);
}

export function conflict(code: string, message: string): ApiError {
  return new ApiError(409, code, message);
}

export function preconditionFailed(): ApiError {
  return new ApiError(412, 'precondition_failed', 'the resource changed since you read it (If-Match does not match its ETag): read it again, then retry');
}

export function tooManyRequests(retryAfterMs: number, message = 'too many requests'): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ApiError(429, 'rate_limited', `${message}; retry in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });
}

/** Runs a write that may hit a unique key; a clash becomes 409 with the given code and message. */
export async function conflictOnDuplicate<T>(write: Promise<T>, code: string, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(code, message);
    throw err;
  }
}
