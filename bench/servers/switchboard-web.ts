/**
 * Switchboard's web role as deployed: real config, database (SQLite in a temp folder), migrations, adapters, the
 * inbox (dedupe + durable write + enqueue) and the ack. The worker runs elsewhere in a split deployment, so none
 * runs here: this measures ingress alone. One bot is seeded from BENCH_BOT (JSON: {id, platform, mode, credentials}).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.js';
import { buildRuntime, startWeb } from '../../src/main.js';
import { silentLogger } from '../../src/observability/logger.js';

const bot = JSON.parse(process.env.BENCH_BOT ?? '{}') as { id: string; platform: string; mode: string; credentials: Record<string, string>; settings?: Record<string, unknown> };
const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
const config = loadConfig({
  ...process.env,
  SWITCHBOARD_DATA_DIR: dir,
  SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'silent',
  METRICS_ENABLED: 'true',
});
const runtime = await buildRuntime(config, { logger: silentLogger });
const tenant = await runtime.repos.tenants.upsertBySlug({ slug: 'bench', name: 'Bench' });
await runtime.repos.bots.upsert({
  id: bot.id,
  tenantId: tenant.id,
  name: 'bench-bot',
  platform: bot.platform,
  mode: bot.mode,
  credentials: bot.credentials,
  settings: bot.settings ?? {},
  enabled: true,
  workflowId: null,
  approvalPolicy: 'none',
});
const web = await startWeb(runtime, { port: 0, host: '127.0.0.1' });
console.log(`listening ${new URL(web.url).port}`);
process.on('SIGTERM', () => {
  void (async () => {
    const count = await runtime.database.db.message.count();
    console.error(`switchboard-web: ${count} messages persisted`);
    await web.close();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
