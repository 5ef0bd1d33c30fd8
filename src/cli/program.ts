/**
 * The `switchboard` command line: commander parses (help, version, unknown options), each command group lives in
 * ./commands, and every failure ends as one line on stderr (./errors.ts).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerBots } from './commands/bots.js';
import { registerConfig } from './commands/config.js';
import { registerMigrate } from './commands/migrate.js';
import { registerServe } from './commands/serve.js';
import { registerSlack } from './commands/slack.js';
import { registerUser } from './commands/user.js';
import { registerWorkflows } from './commands/workflows.js';
import { renderError, UsageError } from './errors.js';
import type { CliIo, CliRun } from './run.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function createProgram(run: CliRun): Command {
  const program = new Command('switchboard')
    .description('Enterprise chat platforms (WeCom, DingTalk, Slack) as front doors for Dify and HTTP workflows.')
    .version(packageJson.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'print help')
    .option('--verbose', 'more log lines, and the stack trace when a command fails')
    .configureOutput({
      writeOut: (text) => run.io.out(text),
      writeErr: (text) => run.io.err(text),
      // Parse errors are rendered by renderError, as one line with a hint.
      outputError: () => undefined,
    })
    .addHelpText('after', '\nConfiguration comes from the environment (DATABASE_URL, PUBLIC_BASE_URL, ...); see .env.example.');
  registerServe(program, run);
  registerMigrate(program, run);
  registerConfig(program, run);
  registerBots(program, run);
  registerSlack(program, run);
  registerWorkflows(program, run);
  registerUser(program, run);
  throwOnExit(program);
  return program;
}

/** Every command throws its parse errors (with its own name, for the hint) instead of exiting the process. */
function throwOnExit(command: Command): void {
  command.exitOverride((err: CommanderError) => {
    throw new UsageError(err, commandPath(command));
  });
  for (const sub of command.commands) throwOnExit(sub);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** --verbose before `--`, for errors raised before commander got to read it. */
function askedForVerbose(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--verbose');
}

export interface CliOutcome {
  exitCode: number;
  /** A server command started: the process must keep running. */
  serving: boolean;
}

export async function runCli(argv: string[], io: CliIo): Promise<CliOutcome> {
  const run: CliRun = { io, exitCode: 0, serving: false };
  const program = createProgram(run);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { exitCode: run.exitCode, serving: run.serving };
  } catch (err) {
    const rendered = renderError(err, { verbose: program.opts<{ verbose?: boolean }>().verbose === true || askedForVerbose(argv) });
    if (rendered.text) io.err(rendered.text);
    return { exitCode: rendered.exitCode, serving: false };
  }
}
