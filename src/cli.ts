#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config/load.js';
import { AppError } from './errors.js';
import { runUserCommand } from './admin/users/user-command.js';
import { applyConfigFile, buildRuntime, startWeb, startWorker, type Runtime } from './main.js';
import { createLogger } from './observability/logger.js';
import { createDatabase } from './store/client.js';
import { migrate } from './store/migrate.js';

const USAGE = `Usage: switchboard <command>

Commands:
  start                     web + worker in one process (the embedded default)
  web                       ingress, health, metrics and console only (needs REDIS_URL)
  worker                    queue consumer only (needs REDIS_URL)
  migrate                   apply pending database migrations and exit
  config apply -f <file>    apply a declarative config file (tenants, workflows, bots) and exit
  user create --email <a> [--name <n>] [--admin] [--password-stdin]
                            create a user who can sign in (--admin: instance administrator)

Configuration comes from the environment; see .env.example.`;

type Role = 'start' | 'web' | 'worker';

async function serve(role: Role, config: Config): Promise<void> {
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

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
    case 'web':
    case 'worker':
      return serve(command, config);
    case 'migrate': {
      const logger = createLogger({ level: config.logLevel });
      const database = await createDatabase(config.database.url);
      try {
        const { applied } = await migrate(database, { logger });
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await database.close();
      }
      return;
    }
    case 'config': {
      const { values, positionals } = parseArgs({ args: rest, options: { file: { type: 'string', short: 'f' } }, allowPositionals: true });
      if (positionals[0] !== 'apply' || !values.file) throw new AppError('usage', 'usage: switchboard config apply -f <file>', { status: 400 });
      const runtime = await buildRuntime(config);
      try {
        const report = await applyConfigFile(runtime, values.file);
        for (const change of report.changed) console.log(`changed ${change.kind} ${change.name}`);
        console.log(`${report.changed.length} changed, ${report.unchanged} unchanged`);
        for (const bot of report.bots) console.log(`bot ${bot.tenant}/${bot.name}: callback path ${bot.hookPath}`);
      } finally {
        await runtime.close();
      }
      return;
    }
    case 'user':
      return runUserCommand(rest, config);
    default:
      throw new AppError('usage', `unknown command "${command}"\n\n${USAGE}`, { status: 400 });
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Configuration and usage errors are the user's to fix: print the sentence, not a stack.
  if (err instanceof AppError && err.expose) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
