import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const url = (schemes: string[]) =>
  z.string().refine((v) => schemes.some((s) => v.startsWith(s)), { message: `must start with ${schemes.join(' or ')}` });

/**
 * Every environment variable Switchboard reads. `.env.example` documents each one; nothing else reads process.env.
 * Unset values give the embedded default: SQLite under ./data and the in-process queue.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  PUBLIC_BASE_URL: url(['http://', 'https://']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['file:', 'postgres://', 'postgresql://']).optional(),
  REDIS_URL: url(['redis://', 'rediss://']).optional(),
  SWITCHBOARD_SECRET_KEY: z.string().min(1).optional(),
  SWITCHBOARD_CONFIG: z.string().min(1).optional(),
  QUEUE_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('switchboard'),
  WORKER_CONCURRENCY: int(1, 1000).default(8),
  JOB_ATTEMPTS: int(1, 50).default(8),
  JOB_TIME_BUDGET_MS: int(1_000, 86_400_000).default(300_000),
  JOB_BACKOFF_MS: int(10, 3_600_000).default(2_000),
  JOB_MAX_BACKOFF_MS: int(100, 86_400_000).default(300_000),
  SWEEP_INTERVAL_MS: int(100, 3_600_000).default(15_000),
  SWEEP_GRACE_MS: int(0, 86_400_000).default(60_000),
  HOOK_MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_BODY_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(65_000),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(1000),
  SHUTDOWN_REQUEST_GRACE_MS: int(0, 600_000).default(5_000),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),
  INGRESS_WRITE_TIMEOUT_MS: int(100, 30_000).default(1_000),
  DB_CALL_TIMEOUT_MS: int(100, 600_000).default(20_000),
  WATCHDOG_STALL_MS: int(1_000, 86_400_000).default(120_000),
  WATCHDOG_EXIT_MS: int(0, 86_400_000).default(600_000),
  METRICS_ENABLED: bool.default(true),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  WECOM_API_BASE: url(['http://', 'https://']).default('https://qyapi.weixin.qq.com'),
  SLACK_API_URL: url(['http://', 'https://']).default('https://slack.com/api/'),
  EGRESS_PRIVATE: z.enum(['allow', 'deny']).default('allow'),
  EGRESS_ALLOWLIST: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;
