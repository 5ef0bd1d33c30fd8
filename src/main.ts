import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { createAdapterRegistry, type AdapterRegistry } from './adapters/registry.js';
import type { PlatformAdapter } from './adapters/types.js';
import { createDingtalkAdapter } from './adapters/dingtalk/index.js';
import { createSlackAdapter } from './adapters/slack/index.js';
import { createWecomAdapter } from './adapters/wecom/index.js';
import { configureProcessEgress } from './egress/index.js';
import { applyDeclarativeConfig, type ApplyReport } from './config/declarative-apply.js';
import { parseDeclarativeConfig } from './config/declarative-parse.js';
import type { Config } from './config/load.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createBotCache, type BotCache } from './pipeline/bot-cache.js';
import { createInbox } from './pipeline/inbox.js';
import { createProcessor, type Processor } from './pipeline/processor.js';
import type { PipelineStores } from './pipeline/ports.js';
import { withStoreDeadlines } from './pipeline/store-deadlines.js';
import { createSweep } from './pipeline/sweep.js';
import { createWatchdog, WATCHDOG_EXIT_CODE, type Watchdog } from './pipeline/watchdog.js';
import { createWorkflowGateway } from './pipeline/workflow-gateway-default.js';
import type { WorkflowGateway } from './pipeline/workflow-gateway.js';
import { createQueue } from './queue/create.js';
import type { Queue } from './queue/types.js';
import { closeHttpServer } from './lifecycle/close-http-server.js';
import { createAdminDeps, type AdminOptions } from './admin/create.js';
import { createAdminApi } from './admin/router.js';
import { createApp } from './server/app.js';
import { createConnectionSupervisor } from './server/connections.js';
import type { ReadinessCheck } from './server/routes/health.js';
import { createDatabase, SQLITE_BUSY_WAIT_MS, type Database } from './store/client.js';
import { withDeadline } from './store/deadline.js';
import { createMemoryKeyValueStore, type KeyValueStore } from './store/kv.js';
import { migrate } from './store/migrate.js';
import { createRedisKeyValueStore } from './store/redis-kv.js';
import { createSealedKeyValueStore } from './store/sealed-kv.js';
import { countBacklog } from './store/repositories/backlog.js';
import { createRepositories, type Repositories } from './store/repositories/index.js';
import { loadSecretBox } from './crypto/secret-box.js';
import { keyFileExposure } from './crypto/secret-key-ring.js';
import type { Inbox } from './adapters/types.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface RuntimeOverrides {
  logger?: Logger;
  /** Replace the platform adapters (tests use fakes of the platform APIs instead; this is for unit-level wiring). */
  adapters?: PlatformAdapter[];
  workflows?: WorkflowGateway;
  /** Skip migrations (a caller that migrated already). */
  skipMigrations?: boolean;
}

/** Everything one process needs, built once from the config. Web and worker roles use the parts they need. */
export interface Runtime {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: Database;
  repos: Repositories;
  queue: Queue;
  kv: KeyValueStore;
  adapters: AdapterRegistry;
  bots: BotCache;
  inbox: Inbox;
  processor: Processor;
  /** The stores as the worker uses them: every call with a deadline, failures reported to the watchdog. */
  workerStores: PipelineStores;
  watchdog: Watchdog;
  /** What /readyz checks. */
  readiness: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

export async function buildRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  configureProcessEgress(config.egress);
  const metrics = createMetrics();
  // A write waits for another process's lock at most half the worker's call deadline: none runs after its caller gave up.
  const database = await createDatabase(config.database.url, { busyWaitMs: Math.min(SQLITE_BUSY_WAIT_MS, config.database.callTimeoutMs / 2) });
  try {
    if (!overrides.skipMigrations) {
      const { applied } = await migrate(database, { logger });
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
    const secrets = await loadSecretBox({ secretKey: config.secretKey, keyFile: config.secretKeyFile, provider: config.database.provider });
    const exposure = config.secretKey ? undefined : keyFileExposure(config.secretKeyFile);
    if (exposure) logger.warn(exposure);
    const repos = createRepositories(database, secrets);
    const kv = config.redisUrl ? createRedisKeyValueStore(config.redisUrl, `${config.queue.name}:kv:`, logger) : createMemoryKeyValueStore();
    // Access tokens are credentials: sealed before they reach Redis, kept as they are in process memory.
    const tokenKv = config.redisUrl ? createSealedKeyValueStore(kv, secrets) : kv;
    const adapters = createAdapterRegistry(
      overrides.adapters ?? [
        createWecomAdapter({ logger, kv, tokenKv, apiBaseUrl: config.platforms.wecomApiBase }),
        createSlackAdapter({ logger, kv, slackApiUrl: config.platforms.slackApiUrl }),
        createDingtalkAdapter({ logger, kv, tokenKv, metrics, publicBaseUrl: config.http.publicBaseUrl }),
      ],
    );
    const queue = createQueue(
      { redisUrl: config.redisUrl, queueName: config.queue.name },
      {
        concurrency: config.queue.concurrency,
        attempts: config.queue.attempts,
        backoffMs: config.queue.backoffMs,
        maxBackoffMs: config.queue.maxBackoffMs,
      },
      logger,
    );
    const bots = createBotCache(repos.bots);
    metrics.setBacklogSource(() => countBacklog(database.db));
    const inbox = createInbox({ messages: repos.messages, queue, logger, metrics, persistTimeoutMs: config.database.ingressWriteTimeoutMs });
    const workflows = overrides.workflows ?? createWorkflowGateway({ logger, metrics });
    const watchdog = createWatchdog({
      ...config.watchdog,
      logger,
      probe: () => withDeadline(database.checkTransaction(), config.database.callTimeoutMs, 'worker database probe'),
      giveUp: () => exitForRestart(runtime),
    });
    const workerStores = withStoreDeadlines(repos, config.database.callTimeoutMs, watchdog.storeFailed);
    const processor = createProcessor({
      stores: workerStores,
      queue,
      adapters,
      workflows,
      logger,
      metrics,
      budget: { attempts: config.queue.attempts, timeMs: config.queue.timeBudgetMs },
    });
    const runtime: Runtime = {
      config,
      logger,
      metrics,
      database,
      repos,
      queue,
      kv,
      adapters,
      bots,
      inbox,
      processor,
      workerStores,
      watchdog,
      readiness: {
        database: () => database.checkWrite(),
        queue: () => queue.ping(),
        worker: async () => watchdog.check(),
      },
      async close() {
        await queue.close(config.shutdownTimeoutMs).catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
        for (const adapter of adapters.list()) await adapter.close?.().catch(() => undefined);
        await kv.close?.();
        await database.close();
      },
    };
    return runtime;
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/** Applies the declarative config file named by SWITCHBOARD_CONFIG (or `path`). */
export async function applyConfigFile(runtime: Runtime, path: string, env: NodeJS.ProcessEnv = process.env): Promise<ApplyReport> {
  const text = await readFile(path, 'utf8');
  const parsed = parseDeclarativeConfig(text, env, path);
  const report = await applyDeclarativeConfig(parsed, { stores: runtime.repos, adapters: runtime.adapters, publicBaseUrl: runtime.config.http.publicBaseUrl });
  runtime.bots.invalidate();
  return report;
}

export interface WebHandle {
  server: Server;
  url: string;
  /** Starts/stops bot connections to match the database now (it also happens every few seconds). */
  reconcileConnections(): Promise<void>;
  /**
   * Stops accepting, lets requests in flight finish for `graceMs` (default SHUTDOWN_REQUEST_GRACE_MS), then cuts
   * the connections still open.
   */
  close(graceMs?: number): Promise<void>;
}

/** Ingress, health, metrics, the admin API and the console on one HTTP listener. */
export async function startWeb(
  runtime: Runtime,
  opts: { port?: number; host?: string; connectionsReconcileMs?: number; admin?: Partial<AdminOptions> } = {},
): Promise<WebHandle> {
  const { config, logger } = runtime;
  const connections = createConnectionSupervisor({
    listEnabled: () => runtime.repos.bots.listEnabled(),
    adapters: runtime.adapters,
    inbox: runtime.inbox,
    logger,
    intervalMs: opts.connectionsReconcileMs,
  });
  const admin = await createAdminDeps({
    repos: runtime.repos,
    adapters: runtime.adapters,
    bots: runtime.bots,
    reconcileConnections: () => connections.reconcile(),
    kv: runtime.kv,
    queue: runtime.queue,
    logger,
    publicBaseUrl: config.http.publicBaseUrl,
    redisUrl: config.redisUrl,
    keyPrefix: config.queue.name,
    ...opts.admin,
  });
  const app = createApp({
    admin: createAdminApi(admin.deps),
    logger,
    hooks: {
      adapters: runtime.adapters,
      bots: runtime.bots,
      inbox: runtime.inbox,
      maxBodyBytes: config.http.hookMaxBodyBytes,
      bodyTimeoutMs: config.http.bodyTimeoutMs,
      metrics: runtime.metrics,
    },
    readiness: runtime.readiness,
    readinessDetails: () => {
      const states = connections.states();
      return states.length ? { connections: states } : {};
    },
    metricsRegistry: config.metricsEnabled ? runtime.metrics.registry : undefined,
    metricsToken: config.metricsToken,
    consoleRoot: join(packageRoot, 'admin-ui', 'dist'),
  });
  const server = createServer(
    {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      // Node enforces the two deadlines above only at this interval (30 s by default, which let a stalled client
      // keep its connection up to 30 s longer than configured).
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
    },
    app.callback(),
  );
  // Beyond this, new connections are closed at once; keep it below the open-file limit (ulimit -n).
  server.maxConnections = config.http.maxConnections;
  const port = opts.port ?? config.http.port;
  const host = opts.host ?? config.http.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  }).catch(async (err: unknown) => {
    await admin.close();
    throw err;
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`;
  logger.info({ url }, 'web listening');

  // Long-lived platform connections (Slack Socket Mode, DingTalk Stream) live with the web role and follow the bots.
  await connections.start();

  return {
    server,
    url,
    reconcileConnections: () => connections.reconcile(),
    close: async (graceMs = config.shutdownRequestGraceMs) => {
      connections.stop();
      await closeHttpServer(server, graceMs, logger);
      await admin.close();
    },
  };
}

export interface WorkerHandle {
  close(): Promise<void>;
}

/** The queue consumer plus the sweep that keeps the database and the queue in step. */
export async function startWorker(runtime: Runtime): Promise<WorkerHandle> {
  const { config, logger, queue, processor } = runtime;
  const sweep = createSweep({
    messages: runtime.workerStores.messages,
    conversations: runtime.workerStores.conversations,
    queue,
    logger,
    metrics: runtime.metrics,
    intervalMs: config.sweep.intervalMs,
    graceMs: config.sweep.graceMs,
  });
  await queue.startWorker(runtime.watchdog.track(processor.process), processor.onDead);
  // Embedded mode: whatever the last process left queued or running is ours to finish.
  if (queue.driver === 'inline') await sweep.recover();
  sweep.start();
  runtime.watchdog.start();
  logger.info({ driver: queue.driver, concurrency: config.queue.concurrency }, 'worker started');
  return {
    /** Stops the sweep and the queue: no new jobs; running ones get SHUTDOWN_TIMEOUT_MS, then are aborted. */
    async close() {
      runtime.watchdog.stop();
      sweep.stop();
      await queue.close(config.shutdownTimeoutMs);
    },
  };
}

/** The watchdog gave up on a stuck worker: close what closes within a moment, then exit for the supervisor. */
function exitForRestart(runtime: Runtime): void {
  const exit = () => process.exit(WATCHDOG_EXIT_CODE);
  setTimeout(exit, 5000).unref();
  void runtime.close().catch(() => undefined).finally(exit);
}
