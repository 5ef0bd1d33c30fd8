import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';
import { errorHandler } from './error-handler.js';
import { requestId } from './request-id.js';
import { mountHealthRoutes, type ReadinessCheck } from './routes/health.js';
import { mountHookRoutes, type HookRouteDeps } from './routes/hooks.js';
import { staticConsole } from './static-console.js';
import type { Registry } from 'prom-client';

export interface AppDeps {
  logger: Logger;
  hooks: Omit<HookRouteDeps, 'logger'>;
  readiness: Record<string, ReadinessCheck>;
  /** Extra /readyz facts that do not decide readiness. */
  readinessDetails?: () => Record<string, unknown>;
  metricsRegistry?: Registry;
  /** Bearer token /metrics requires, when set. */
  metricsToken?: string;
  consoleRoot?: string;
  /** The admin API (/api/v1, /api/docs). */
  admin?: Middleware;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  // Errors are answered by errorHandler; Koa's default handler would print stacks to stderr.
  app.silent = true;
  const router = new Router();
  mountHealthRoutes(router, { checks: deps.readiness, metrics: deps.metricsRegistry, metricsToken: deps.metricsToken, details: deps.readinessDetails });
  mountHookRoutes(router, { logger: deps.logger, ...deps.hooks });

  app.use(errorHandler(deps.logger));
  app.use(requestId);
  if (deps.admin) app.use(deps.admin);
  app.use(router.routes());
  app.use(router.allowedMethods());
  // After the routes: platform callbacks never pass through it.
  if (deps.consoleRoot) app.use(staticConsole(deps.consoleRoot));
  return app;
}
