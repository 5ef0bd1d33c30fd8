import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { commandLogger } from '../logger.js';
import { printLines, type CliRun } from '../run.js';
import { isVerbose } from './options.js';

export function registerMigrate(program: Command, run: CliRun): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit (every process also does so at start)')
    .action(async (_options: unknown, command: Command) => {
      const config = loadConfig(run.io.env);
      const { openMigratedDatabase } = await import('../store.js');
      const { database, applied } = await openMigratedDatabase(config, run, { access: 'write', logger: commandLogger(config, isVerbose(command)) });
      await database.close();
      printLines(run, [applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date']);
    });
}
