/**
 * Builds a real Runtime (database, migrations, repositories, queue, pipeline) for integration tests, on SQLite in a
 * temp folder or on PostgreSQL in a fresh schema, with the inline queue or BullMQ on Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { buildRuntime, type Runtime, type RuntimeOverrides } from '../../src/main.js';
import { silentLogger } from '../../src/observability/logger.js';

export interface TestRuntimeOptions extends RuntimeOverrides {
  database: 'sqlite' | { pgUrl: string };
  redisUrl?: string;
  env?: Record<string, string>;
}

export interface TestRuntime {
  runtime: Runtime;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export const TEST_SECRET_KEY = randomBytes(32).toString('base64');

/** The environment of a fresh test deployment; reusable by child processes. */
export async function prepareTestEnv(opts: Pick<TestRuntimeOptions, 'database' | 'redisUrl' | 'env'>): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const tag = randomBytes(4).toString('hex');
  const env: Record<string, string> = {
    SWITCHBOARD_DATA_DIR: dir,
    SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent',
    QUEUE_NAME: `sbtest-${tag}`,
    JOB_BACKOFF_MS: '20',
    JOB_MAX_BACKOFF_MS: '200',
    SWEEP_INTERVAL_MS: '200',
    SWEEP_GRACE_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...opts.env,
  };
  let schema: string | undefined;
  if (opts.database === 'sqlite') env.DATABASE_URL = `file:${join(dir, 'test.db')}`;
  else {
    schema = `sbtest_${tag}`;
    const url = new URL(opts.database.pgUrl);
    url.searchParams.set('schema', schema);
    env.DATABASE_URL = url.toString();
  }
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
  const pgUrl = opts.database === 'sqlite' ? undefined : opts.database.pgUrl;
  return {
    env,
    async cleanup() {
      if (schema && pgUrl) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createTestRuntime(opts: TestRuntimeOptions): Promise<TestRuntime> {
  const { env, cleanup } = await prepareTestEnv(opts);
  const runtime = await buildRuntime(loadConfig(env), { logger: silentLogger, ...opts });
  return {
    runtime,
    env,
    async dispose() {
      await runtime.close();
      await cleanup();
    },
  };
}

/** A tenant, a workflow and a bot of the recording adapter's platform ('wecom'). */
export async function seedBot(runtime: Runtime, overrides: { approvalPolicy?: string; settings?: Record<string, unknown> } = {}) {
  const tenant = await runtime.repos.tenants.upsertBySlug({ slug: 'acme', name: 'Acme' });
  const workflow = await runtime.repos.workflows.upsert({
    tenantId: tenant.id,
    name: 'echo',
    kind: 'dify_chat',
    baseUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'app-test-key',
    inputMapping: {},
    outputSelector: null,
    responseMode: 'blocking',
    timeoutMs: 10_000,
    settings: {},
  });
  const bot = await runtime.repos.bots.upsert({
    tenantId: tenant.id,
    name: 'helpdesk',
    platform: 'wecom',
    mode: 'app',
    credentials: { token: 'unused' },
    settings: { streaming: false, ...overrides.settings },
    enabled: true,
    workflowId: workflow.id,
    approvalPolicy: overrides.approvalPolicy ?? 'none',
  });
  return { tenantId: tenant.id, workflowId: workflow.id, botId: bot.id };
}

export async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
