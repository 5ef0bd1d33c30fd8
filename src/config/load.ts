import { resolve, join } from 'node:path';
import { parseAllowlist, type EgressSettings } from '../egress/policy.js';
import { ConfigError } from '../errors.js';
import { maskUrlCredentials } from '../observability/redact-url.js';
import { envSchema } from './schema.js';

/** Never echoed in a configuration error, even when malformed. */
const SECRET_VARIABLES = new Set(['SWITCHBOARD_SECRET_KEY', 'METRICS_TOKEN']);

export interface Config {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    publicBaseUrl?: string;
    hookMaxBodyBytes: number;
    /** Deadlines against slow and stuck clients, ms; headers and body each within the whole request's. */
    headersTimeoutMs: number;
    bodyTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
  };
  logLevel: string;
  dataDir: string;
  database: {
    url: string;
    provider: 'sqlite' | 'postgresql';
    /** How long ingress waits to persist a message before answering 503. */
    ingressWriteTimeoutMs: number;
    /** Deadline of each database call the worker makes. */
    callTimeoutMs: number;
  };
  redisUrl?: string;
  /** Raw key ring text; absent in the embedded default, which then keeps a key file in dataDir. */
  secretKey?: string;
  secretKeyFile: string;
  declarativeConfigPath?: string;
  /** `attempts` and `timeBudgetMs`: the retry budget of one message (every try, across restarts). */
  queue: { name: string; concurrency: number; attempts: number; timeBudgetMs: number; backoffMs: number; maxBackoffMs: number };
  sweep: { intervalMs: number; graceMs: number };
  /** After SIGTERM: how long in-flight requests may finish before the remaining connections are closed. */
  shutdownRequestGraceMs: number;
  /** Jobs pending with no progress: not ready after `stallMs`, exit after `exitMs` (0: never). */
  watchdog: { stallMs: number; exitMs: number };
  /** After SIGTERM: how long running jobs may finish before they are aborted (they resume after a restart). */
  shutdownTimeoutMs: number;
  metricsEnabled: boolean;
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  metricsToken?: string;
  platforms: { wecomApiBase: string; slackApiUrl: string };
  /** What calls made on a tenant's behalf may reach (EGRESS_PRIVATE, EGRESS_ALLOWLIST). */
  egress: EgressSettings;
}

/**
 * Parses the environment once. A wrong value stops startup with a message naming the variable and what is expected.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const shown = SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(maskUrlCredentials(picked[name] ?? ''));
      return `  ${name}: ${issue.message} (got ${shown})`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.SWITCHBOARD_DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `file:${join(dataDir, 'switchboard.db')}`;
  const provider = databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
  if (provider === 'postgresql' && !e.SWITCHBOARD_SECRET_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  SWITCHBOARD_SECRET_KEY: required with PostgreSQL (every process must share one key ring); ' +
        'generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"',
    );
  }
  for (const name of ['HTTP_HEADERS_TIMEOUT_MS', 'HTTP_BODY_TIMEOUT_MS'] as const) {
    if (e[name] > e.HTTP_REQUEST_TIMEOUT_MS) {
      throw new ConfigError(`Invalid configuration:\n  ${name}: must not exceed HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}) (got ${e[name]})`);
    }
  }
  if (e.WATCHDOG_EXIT_MS !== 0 && e.WATCHDOG_EXIT_MS <= e.WATCHDOG_STALL_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  WATCHDOG_EXIT_MS: must be 0 (never exit) or longer than WATCHDOG_STALL_MS (${e.WATCHDOG_STALL_MS}) (got "${e.WATCHDOG_EXIT_MS}")`,
    );
  }
  const allowlist = (e.EGRESS_ALLOWLIST ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    parseAllowlist(allowlist);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  EGRESS_ALLOWLIST: ${(err as Error).message}; use comma-separated host names and CIDRs`);
  }
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      hookMaxBodyBytes: e.HOOK_MAX_BODY_BYTES,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.HTTP_BODY_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    logLevel: e.LOG_LEVEL,
    dataDir,
    database: { url: databaseUrl, provider, ingressWriteTimeoutMs: e.INGRESS_WRITE_TIMEOUT_MS, callTimeoutMs: e.DB_CALL_TIMEOUT_MS },
    redisUrl: e.REDIS_URL,
    secretKey: e.SWITCHBOARD_SECRET_KEY,
    secretKeyFile: join(dataDir, 'secret.key'),
    declarativeConfigPath: e.SWITCHBOARD_CONFIG,
    queue: {
      name: e.QUEUE_NAME,
      concurrency: e.WORKER_CONCURRENCY,
      attempts: e.JOB_ATTEMPTS,
      timeBudgetMs: e.JOB_TIME_BUDGET_MS,
      backoffMs: e.JOB_BACKOFF_MS,
      maxBackoffMs: e.JOB_MAX_BACKOFF_MS,
    },
    sweep: { intervalMs: e.SWEEP_INTERVAL_MS, graceMs: e.SWEEP_GRACE_MS },
    shutdownRequestGraceMs: e.SHUTDOWN_REQUEST_GRACE_MS,
    watchdog: { stallMs: e.WATCHDOG_STALL_MS, exitMs: e.WATCHDOG_EXIT_MS },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsEnabled: e.METRICS_ENABLED,
    metricsToken: e.METRICS_TOKEN,
    platforms: { wecomApiBase: e.WECOM_API_BASE, slackApiUrl: e.SLACK_API_URL },
    egress: { private: e.EGRESS_PRIVATE, allowlist },
  };
}
