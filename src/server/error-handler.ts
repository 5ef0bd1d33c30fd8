import type { Context, Next } from 'koa';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

const GENERIC: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  408: 'request timeout',
  409: 'conflict',
  412: 'precondition failed',
  413: 'payload too large',
  415: 'unsupported media type',
  422: 'unprocessable entity',
  429: 'too many requests',
  500: 'internal error',
  503: 'service unavailable',
};

/** Extra facts an error may carry for the caller: `details` (shown when the message is) and response headers. */
function extrasOf(err: unknown): { details?: unknown; headers?: Record<string, string> } {
  if (typeof err !== 'object' || err === null) return {};
  const { details, headers } = err as { details?: unknown; headers?: unknown };
  return {
    details: details !== null && typeof details === 'object' ? details : undefined,
    headers: headers !== null && typeof headers === 'object' ? (headers as Record<string, string>) : undefined,
  };
}

function statusOf(err: unknown): number {
  if (err instanceof AppError) return err.status;
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/**
 * One error handler: typed errors become `status + {error: {code, message, details?}}`; what is not exposable gets the
 * status's generic message; never a stack trace; bad input never a 500.
 */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const status = statusOf(err);
      const appError = err instanceof AppError ? err : undefined;
      // A failed authentication says nothing of why (the reason is logged): no oracle for forgers.
      const code = status === 401 ? 'unauthorized' : (appError?.code ?? (status === 500 ? 'internal_error' : `http_${status}`));
      const expose = appError ? appError.expose : status < 500 && (err as { expose?: boolean }).expose === true;
      const message = expose && err instanceof Error ? err.message : (GENERIC[status] ?? 'error');
      const log = { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status, code };
      if (status >= 500) logger.error({ ...log, err }, 'request failed');
      else logger.debug({ ...log, reason: err instanceof Error ? err.message : String(err) }, 'request rejected');
      const extras = extrasOf(err);
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = { error: { code, message } };
      // The rest of the body is not read: the connection cannot carry another request.
      if (status === 413 || status === 408) ctx.set('Connection', 'close');
      ctx.body = { error: { code, message, ...(expose && extras.details ? { details: extras.details } : {}) } };
      if (status === 429 && extras.headers?.['Retry-After']) ctx.set('Retry-After', extras.headers['Retry-After']);
      if (status === 413) ctx.set('Connection', 'close');
    }
  };
}
