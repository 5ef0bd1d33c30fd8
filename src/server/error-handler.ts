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
  413: 'payload too large',
  415: 'unsupported media type',
  429: 'too many requests',
  500: 'internal error',
  503: 'service unavailable',
};

function statusOf(err: unknown): number {
  if (err instanceof AppError) return err.status;
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/**
 * One error handler: typed errors become `status + {error: {code, message}}`; what is not exposable gets the
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
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = { error: { code, message } };
      // The rest of the body is not read: the connection cannot carry another request.
      if (status === 413 || status === 408) ctx.set('Connection', 'close');
    }
  };
}
