import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config/load.js';
import { AppError } from '../../errors.js';
import type { Runtime } from '../../main.js';
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
  const runtime = await buildRuntime(config);
  const { logger } = runtime;
  if (config.declarativeConfigPath) {
    const report = await applyConfigFile(runtime, config.declarativeConfigPath);
    logger.info({ changed: report.changed.length, unchanged: report.unchanged, bots: report.bots }, 'declarative config applied');
  }
  const closers: (() => Promise<void>)[] = [];
  if (role === 'start' || role === 'worker') closers.push((await startWorker(runtime)).close);
  if (role === 'start' || role === 'web') closers.push((await startWeb(runtime)).close);
  installShutdown(runtime, closers);
}

function installShutdown(runtime: Runtime, closers: (() => Promise<void>)[]) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), runtime.config.shutdownTimeoutMs + 5000);
    force.unref();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
