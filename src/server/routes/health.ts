import type Router from '@koa/router';
import type { Registry } from 'prom-client';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { AppError } from '../../errors.js';

/** A dependency's verdict: a boolean, or with the reason it is not ready (words safe to show, no secrets). */
export type ReadinessResult = boolean | { ok: true } | { ok: false; reason: string };
export type ReadinessCheck = () => Promise<ReadinessResult>;

const CHECK_TIMEOUT_MS = 2000;

/**
 * `/healthz`: the process serves. `/readyz`: its dependencies answer (the database takes a write, the queue, the
 * worker makes progress): 503 names each failing check under `checks`, and its reason under `reasons` when it has
 * one; `details` adds facts that inform without deciding readiness (the state of long-lived platform connections).
 * `/metrics`: Prometheus, behind a bearer token when one is set.
 */
export function mountHealthRoutes(
  router: Router,
  deps: { checks: Record<string, ReadinessCheck>; metrics?: Registry; metricsToken?: string; details?: () => Record<string, unknown> },
) {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      Object.entries(deps.checks).map(async ([name, check]) => [name, verdictOf(await runCheck(check))] as const),
    );
    const ready = results.every(([, verdict]) => verdict.ok);
    const reasons = Object.fromEntries(results.flatMap(([name, verdict]) => (verdict.ok || !verdict.reason ? [] : [[name, verdict.reason]])));
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([name, verdict]) => [name, verdict.ok ? 'ok' : 'unavailable'])),
      ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
      ...deps.details?.(),
    };
  });

  if (deps.metrics) {
    const registry = deps.metrics;
    const expected = deps.metricsToken === undefined ? undefined : `Bearer ${deps.metricsToken}`;
    router.get('/metrics', async (ctx) => {
      if (expected !== undefined && !constantTimeEqual(ctx.get('authorization'), expected)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthorized', 'metrics need the bearer token (METRICS_TOKEN)', { status: 401, expose: false });
      }
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    });
  }
}

function runCheck(check: ReadinessCheck): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check().catch(() => false),
    new Promise<ReadinessResult>((resolve) => {
      timer = setTimeout(resolve, CHECK_TIMEOUT_MS, { ok: false, reason: `no answer within ${CHECK_TIMEOUT_MS} ms` });
    }),
  ]).finally(() => clearTimeout(timer));
}

function verdictOf(result: ReadinessResult): { ok: boolean; reason?: string } {
  return typeof result === 'boolean' ? { ok: result } : result;
}
