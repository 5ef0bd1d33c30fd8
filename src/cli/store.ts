/**
 * The database, repositories and adapters of a one-shot command. Commands load this module only when they run (see
 * lazy-store.ts), so `--help` loads no database driver or platform SDK.
 */
import { createDingtalkAdapter } from '../adapters/dingtalk/index.js';
import { createAdapterRegistry, type AdapterRegistry } from '../adapters/registry.js';
import { createSlackAdapter } from '../adapters/slack/index.js';
import { createWecomAdapter } from '../adapters/wecom/index.js';
import type { Config } from '../config/load.js';
import { loadSecretBox } from '../crypto/secret-box.js';
import type { Logger } from '../observability/logger.js';
import { createDatabase, type Database } from '../store/client.js';
import { createMemoryKeyValueStore } from '../store/kv.js';
import { migrate } from '../store/migrate.js';
import { createRepositories, type Repositories } from '../store/repositories/index.js';
import { explainDatabaseError, prepareDatabase, type DatabaseAccess } from './database.js';
import { commandLogger } from './logger.js';
import type { CliRun } from './run.js';

/** What a one-shot command needs: the repositories and the platform adapters. No queue, worker, server or Redis. */
export interface CommandStore {
  config: Config;
  logger: Logger;
  database: Database;
  repos: Repositories;
  adapters: AdapterRegistry;
  close(): Promise<void>;
}

export async function openStore(config: Config, run: CliRun, opts: { access: DatabaseAccess; verbose: boolean }): Promise<CommandStore> {
  const logger = commandLogger(config, opts.verbose);
  const { database } = await openMigratedDatabase(config, run, { access: opts.access, logger });
  try {
    const secrets = await loadSecretBox({ secretKey: config.secretKey, keyFile: config.secretKeyFile, provider: config.database.provider });
    // A check is one short conversation with the platform: in-process caches are enough.
    const kv = createMemoryKeyValueStore();
    const publicBaseUrl = config.http.publicBaseUrl;
    const adapters = createAdapterRegistry([
      createWecomAdapter({ logger, kv, apiBaseUrl: config.platforms.wecomApiBase, publicBaseUrl }),
      createSlackAdapter({ logger, kv, slackApiUrl: config.platforms.slackApiUrl, publicBaseUrl }),
      createDingtalkAdapter({ logger, kv, publicBaseUrl }),
    ]);
    return {
      config,
      logger,
      database,
      repos: createRepositories(database, secrets),
      adapters,
      async close() {
        for (const adapter of adapters.list()) await adapter.close?.().catch(() => undefined);
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/** Opens the database and brings it to the newest migration (as every process does at start). */
export async function openMigratedDatabase(
  config: Config,
  run: CliRun,
  opts: { access: DatabaseAccess; logger: Logger },
): Promise<{ database: Database; applied: string[] }> {
  const target = prepareDatabase(config, run, opts.access);
  let database: Database | undefined;
  try {
    database = await createDatabase(config.database.url);
    const { applied } = await migrate(database, { logger: opts.logger });
    return { database, applied };
  } catch (err) {
    await database?.close().catch(() => undefined);
    throw explainDatabaseError(err, target);
  }
}
