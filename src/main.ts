import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { createAdapterRegistry, type AdapterRegistry } from './adapters/registry.js';
import type { PlatformAdapter } from './adapters/types.js';
import { createSlackAdapter } from './adapters/slack/index.js';
import { createWecomAdapter } from './adapters/wecom/index.js';
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
import { createApp } from './server/app.js';
import type { ReadinessCheck } from './server/routes/health.js';
import { createDatabase, SQLITE_BUSY_WAIT_MS, type Database } from './store/client.js';
import { withDeadline } from './store/deadline.js';
import { createMemoryKeyValueStore, type KeyValueStore } from './store/kv.js';
import { migrate } from './store/migrate.js';
import { createRedisKeyValueStore } from './store/redis-kv.js';
import { createRepositories, type Repositories } from './store/repositories/index.js';
import { loadSecretBox } from './crypto/secret-box.js';
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
  const metrics = createMetrics();
  // A write waits for another process's lock at most half the worker's call deadline: none runs after its caller gave up.
  const database = await createDatabase(config.database.url, { busyWaitMs: Math.min(SQLITE_BUSY_WAIT_MS, config.database.callTimeoutMs / 2) });
  try {
    if (!overrides.skipMigrations) {
      const { applied } = await migrate(database, { logger });
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
    const secrets = await loadSecretBox({ secretKey: config.secretKey, keyFile: config.secretKeyFile, provider: config.database.provider });
    const repos = createRepositories(database, secrets);
    const kv = config.redisUrl ? createRedisKeyValueStore(config.redisUrl, `${config.queue.name}:kv:`) : createMemoryKeyValueStore();
    const adapters = createAdapterRegistry(
      overrides.adapters ?? [
        createWecomAdapter({ logger, kv, apiBaseUrl: config.platforms.wecomApiBase }),
        createSlackAdapter({ logger, kv, slackApiUrl: config.platforms.slackApiUrl }),
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
    const inbox = createInbox({ messages: repos.messages, queue, logger, metrics, persistTimeoutMs: config.database.ingressWriteTimeoutMs });
    const workflows = overrides.workflows ?? createWorkflowGateway({ logger });
    const watchdog = createWatchdog({
      ...config.watchdog,
      logger,
      probe: () => withDeadline(database.checkTransaction(), config.database.callTimeoutMs, 'worker database probe'),
      giveUp: () => exitForRestart(runtime),
    });
    const workerStores = withStoreDeadlines(repos, config.database.callTimeoutMs, watchdog.storeFailed);
    const processor = createProcessor({ stores: workerStores, queue, adapters, workflows, logger, metrics });
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
  const report = await applyDeclarativeConfig(parsed, { stores: runtime.repos, adapters: runtime.adapters });
  runtime.bots.invalidate();
  return report;
}

export interface WebHandle {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Ingress, health, metrics and the console on one HTTP listener. */
export async function startWeb(runtime: Runtime, opts: { port?: number; host?: string } = {}): Promise<WebHandle> {
  const { config, logger } = runtime;
  const app = createApp({
    logger,
    hooks: {
      adapters: runtime.adapters,
      bots: runtime.bots,
      inbox: runtime.inbox,
      maxBodyBytes: config.http.hookMaxBodyBytes,
      metrics: runtime.metrics,
    },
    readiness: runtime.readiness,
    metricsRegistry: config.metricsEnabled ? runtime.metrics.registry : undefined,
    consoleRoot: join(packageRoot, 'admin-ui', 'dist'),
  });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  const port = opts.port ?? config.http.port;
  const host = opts.host ?? config.http.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`;
  logger.info({ url }, 'web listening');

  // Long-lived platform connections (Slack Socket Mode, ...) live with the web role.
  const enabled = await runtime.repos.bots.listEnabled();
  for (const bot of enabled) {
    const adapter = runtime.adapters.get(bot.platform);
    if (adapter?.start) {
      await adapter.start(bot, { inbox: runtime.inbox }).catch((err: unknown) => logger.error({ err, botId: bot.id }, 'bot connection failed to start'));
    }
  }

  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
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
    async close() {
      runtime.watchdog.stop();
      sweep.stop();
    },
  };
}

/** The watchdog gave up on a stuck worker: close what closes within a moment, then exit for the supervisor. */
function exitForRestart(runtime: Runtime): void {
  const exit = () => process.exit(WATCHDOG_EXIT_CODE);
  setTimeout(exit, 5000).unref();
  void runtime.close().catch(() => undefined).finally(exit);
}
