/** One wrong field as the API names it (`in` body/query/params, dotted `path`). */
export interface FieldProblem {
  in: string;
  path: string;
  code: string;
  message: string;
}

/** An answer of the admin API that is not a success: `{error: {code, message, details?}}`, or no answer at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: { fields?: unknown } };
}

function fieldsOf(details: { fields?: unknown } | undefined): FieldProblem[] {
  const fields = details?.fields;
  return Array.isArray(fields) ? (fields as FieldProblem[]) : [];
}

/** What openapi-fetch returns: data on success, error (the parsed body) otherwise. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError carrying the server's code, message and field problems. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (err) {
    // fetch rejects only when no answer came: server down, network gone, request aborted.
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = (error ?? {}) as ErrorBody;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    typeof body.error?.code === 'string' ? body.error.code : `http_${response.status}`,
    typeof body.error?.message === 'string' ? body.error.message : response.statusText,
    fieldsOf(body.error?.details),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

export function isApiError(err: unknown, status?: number): err is ApiError {
  return err instanceof ApiError && (status === undefined || err.status === status);
}

export function hasErrorCode(err: unknown, code: string): err is ApiError {
  return err instanceof ApiError && err.code === code;
}
