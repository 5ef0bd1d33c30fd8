import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config/load.js';
import { AppError } from '../../errors.js';
import { staleBuildWarning } from '../../lifecycle/build-freshness.js';
import { lockDataDir } from '../../lifecycle/data-dir-lock.js';
import { installShutdown } from '../../lifecycle/shutdown.js';
import { explainDatabaseError, prepareDatabase } from '../database.js';
import { assertReadableFile } from '../files.js';
import type { CliRun } from '../run.js';

type Role = 'start' | 'web' | 'worker';

const ROLES: { role: Role; summary: string }[] = [
  { role: 'start', summary: 'web + worker in one process (the embedded default)' },
  { role: 'web', summary: 'ingress, health, metrics and console only (needs REDIS_URL)' },
  { role: 'worker', summary: 'queue consumer only (needs REDIS_URL)' },
];

export function registerServe(program: Command, run: CliRun): void {
  for (const { role, summary } of ROLES) {
    program
      .command(role)
      .description(summary)
      .addHelpText('after', '\nConfiguration comes from the environment (PORT, DATABASE_URL, REDIS_URL, SWITCHBOARD_CONFIG, ...); see .env.example.')
      .action(async () => {
        run.serving = true;
        const config = loadConfig(run.io.env);
        if (config.declarativeConfigPath) assertReadableFile(config.declarativeConfigPath, 'SWITCHBOARD_CONFIG');
        const target = prepareDatabase(config, run, 'write');
        await serve(role, config).catch((err: unknown) => {
          throw explainDatabaseError(err, target);
        });
      });
  }
}

async function serve(role: Role, config: Config): Promise<void> {
  const { applyConfigFile, buildRuntime, startWeb, startWorker } = await import('../../main.js');
  if (role !== 'start' && !config.redisUrl) {
    throw new AppError('config_invalid', `"switchboard ${role}" runs one half of a split deployment and needs REDIS_URL (the in-process queue cannot be shared between processes). Use "switchboard start" for a single process.`, { status: 400 });
  }
  const stale = staleBuildWarning();
  if (stale) console.error(stale);
  // Before anything touches the database: a second embedded instance must not even migrate it.
  const lock = role === 'start' ? lockDataDir(config) : undefined;
  const runtime = await buildRuntime(config);
  const { logger } = runtime;
  if (config.declarativeConfigPath) {
    const report = await applyConfigFile(runtime, config.declarativeConfigPath);
    logger.info({ changed: report.changed.length, unchanged: report.unchanged, bots: report.bots }, 'declarative config applied');
  }
  const worker = role === 'web' ? undefined : await startWorker(runtime);
  const web = role === 'worker' ? undefined : await startWeb(runtime);
  installShutdown({ runtime, web, worker, lock });
}
