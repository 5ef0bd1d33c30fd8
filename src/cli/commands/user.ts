import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { prepareDatabase } from '../database.js';
import type { CliRun } from '../run.js';

export function registerUser(program: Command, run: CliRun): void {
  const user = program.command('user').description('people who sign in to the console and the admin API');
  user
    .command('create')
    .description('create a user who can sign in (the password is asked for, or read from stdin with --password-stdin)')
    .requiredOption('--email <address>', 'the address the user signs in with')
    .option('--name <name>', 'the name shown in the console')
    .option('--admin', 'an instance administrator: creates tenants and acts as admin in every tenant', false)
    .option('--password-stdin', 'read the password from standard input (for scripts) instead of asking', false)
    .action(async (options: { email: string; name?: string; admin: boolean; passwordStdin: boolean }) => {
      const config = loadConfig(run.io.env);
      prepareDatabase(config, run, 'write');
      const { runUserCreate } = await import('../../admin/users/user-command.js');
      await runUserCreate(options, config);
    });
}
