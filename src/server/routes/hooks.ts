import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AdapterRegistry } from '../../adapters/registry.js';
import type { Ack, Inbox, IngressResult } from '../../adapters/types.js';
import { AppError, NotFoundError } from '../../errors.js';
import { createLogLimiter } from '../../observability/log-limiter.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { BotCache } from '../../pipeline/bot-cache.js';
import { headersOf, queryOf } from '../inbound-request.js';
import { assertDeclaredLength, readRawBody } from '../raw-body.js';

export interface HookRouteDeps {
  adapters: AdapterRegistry;
  bots: BotCache;
  inbox: Inbox;
  maxBodyBytes: number;
  /** Deadline for the whole body to arrive, ms. */
  bodyTimeoutMs: number;
  metrics?: Metrics;
  logger: Logger;
}

function respond(ctx: Context, answer: Ack | Extract<IngressResult, { kind: 'answer' }>) {
  ctx.status = answer.status;
  if (answer.contentType) ctx.type = answer.contentType;
  if ('headers' in answer && answer.headers) ctx.set(answer.headers);
  if (typeof answer.body === 'string') {
    if (!answer.contentType) ctx.type = 'text/plain; charset=utf-8';
    ctx.body = answer.body;
  } else ctx.body = answer.body;
}

/**
 * `/hooks/:platform/:botId` — steps 1–6 of the pipeline: route → verify → decode → normalize (the adapter) →
 * accept (inbox: dedupe + persist + enqueue) → ack. No call to the workflow or the platform API happens here.
 */
export function mountHookRoutes(router: Router, deps: HookRouteDeps) {
  const { adapters, bots, inbox, maxBodyBytes, bodyTimeoutMs, metrics, logger } = deps;
  const rejections = createLogLimiter();

  /**
   * The platform only learns "401 unauthorized"; the operator asking "why did WeCom say verification failed?" finds
   * the precise reason here, at warn, a few lines per bot and reason a minute.
   */
  function logRejection(ctx: Context, platform: string, botId: string, err: AppError) {
    if (err.status === 401) metrics?.verificationFailures.inc({ platform, reason: err.code });
    const { allowed, suppressed } = rejections.take(`${platform}\u0000${botId}\u0000${err.code}`);
    if (!allowed) return;
    logger.warn(
      { platform, botId: botId.slice(0, 64), status: err.status, reason: err.code, detail: err.message, requestId: ctx.state.requestId, ...(suppressed ? { suppressed } : {}) },
      'platform callback rejected',
    );
  }

  const handle = async (ctx: Context) => {
    const platform = String(ctx.params.platform);
    const botId = String(ctx.params.botId);
    try {
      await accept(ctx, platform, botId);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) logRejection(ctx, platform, botId, err);
      throw err;
    }
  };

  const accept = async (ctx: Context, platform: string, botId: string) => {
    const started = performance.now();
    const adapter = adapters.get(platform);
    if (!adapter) throw new NotFoundError('unknown_platform', `unknown platform: ${platform.slice(0, 32)}`);
    assertDeclaredLength(ctx.req, maxBodyBytes);
    const bot = await bots.get(botId);
    if (!bot || bot.platform !== platform || !bot.enabled) throw new NotFoundError('unknown_bot', 'no such bot');

    const rawBody = await readRawBody(ctx.req, maxBodyBytes, bodyTimeoutMs);
    let outcome = 'error';
    try {
      const result = await adapter.ingest(
        {
          method: ctx.method,
          subPath: ctx.params.rest ? `/${String(ctx.params.rest)}` : '',
          query: queryOf(ctx),
          headers: headersOf(ctx),
          rawBody,
          receivedAt: Date.now(),
        },
        bot,
      );
      outcome = result.kind;
      if (result.kind === 'messages') {
        await inbox.accept(result.messages);
        respond(ctx, result.ack);
      } else if (result.kind === 'ignored') respond(ctx, result.ack);
      else respond(ctx, result);
    } finally {
      metrics?.ingressRequests.inc({ platform, outcome });
      metrics?.ingressDuration.observe({ platform }, (performance.now() - started) / 1000);
    }
  };

  router.all('/hooks/:platform/:botId', handle);
  router.all('/hooks/:platform/:botId/*rest', handle);
}
