import type Router from '@koa/router';
import type { Registry } from 'prom-client';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { AppError } from '../../errors.js';

export type ReadinessCheck = () => Promise<boolean>;

/** `/healthz`: the process serves. `/readyz`: its dependencies (database, queue) answer. `/metrics`: Prometheus. */
/** `details` adds facts that inform without deciding readiness (the state of long-lived platform connections). */
export function mountHealthRoutes(
  router: Router,
  deps: { checks: Record<string, ReadinessCheck>; metrics?: Registry; metricsToken?: string; details?: () => Record<string, unknown> },
) {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const names = Object.keys(deps.checks);
    const results = await Promise.all(
      names.map(async (name) => {
        const check = deps.checks[name];
        const ok = await Promise.race([
          check ? check().catch(() => false) : Promise.resolve(false),
          new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
        ]);
        return [name, ok ? 'ok' : 'unavailable'] as const;
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results), ...deps.details?.() };
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
