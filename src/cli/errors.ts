/**
 * How a failed command ends: one line naming the problem and its fix on stderr, an exit code ≠ 0, and the stack
 * only with --verbose. Mistakes a user can fix (AppError with `expose`, usage errors, a port in use) print their
 * sentence; anything else prints its message and says where the details are.
 */
import { inspect } from 'node:util';
import { CommanderError } from 'commander';
import { AppError } from '../errors.js';
import { maskUrlCredentials } from '../observability/redact-url.js';

/** A parse error of commander, with the command it belongs to (for the "see --help" hint). */
export class UsageError extends Error {
  constructor(
    readonly parseError: CommanderError,
    readonly commandPath: string,
  ) {
    super(parseError.message);
    this.name = 'UsageError';
  }
}

/** Commander already printed help or the version: nothing more to say. */
const ALREADY_SHOWN = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

export interface RenderedError {
  /** Lines for stderr; empty when there is nothing to add. */
  text: string;
  exitCode: number;
}

export function renderError(err: unknown, opts: { verbose: boolean }): RenderedError {
  if (err instanceof UsageError) {
    const parse = err.parseError;
    if (ALREADY_SHOWN.has(parse.code)) return { text: '', exitCode: parse.exitCode };
    const message = oneLine(parse.message.replace(/^error: /, ''));
    return { text: `switchboard: ${message} (see "${err.commandPath} --help")\n`, exitCode: parse.exitCode || 1 };
  }
  const sentence = explain(err);
  const hint = sentence.known || opts.verbose ? '' : ' (run again with --verbose for details)';
  const stack = opts.verbose ? `${inspect(err, { depth: 6 })}\n` : '';
  // Drivers quote the URL they were given: never print its password, even with --verbose.
  return { text: maskUrlCredentials(`switchboard: ${sentence.text}${hint}\n${stack}`), exitCode: 1 };
}

function explain(err: unknown): { text: string; known: boolean } {
  if (err instanceof AppError && err.expose) return { text: err.message, known: true };
  const sys = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (sys?.code === 'EADDRINUSE' && sys.syscall === 'listen') {
    return {
      text: `Port ${sys.port} on ${sys.address} is already in use: stop the program using it, or set PORT (and HOST) to a free one.`,
      known: true,
    };
  }
  if (sys?.code === 'EACCES' && sys.syscall === 'listen') {
    return { text: `Not allowed to listen on port ${sys.port} on ${sys.address}: set PORT to 1024 or above, or grant this user the right.`, known: true };
  }
  if (typeof sys?.code === 'string' && typeof sys.path === 'string') {
    return { text: `Cannot use ${sys.path} (${sys.code}): ${oneLine(sys.message)}`, known: true };
  }
  return { text: messageOf(err), known: false };
}

function messageOf(err: unknown): string {
  if (!(err instanceof Error)) return oneLine(String(err));
  // Prisma puts the calling source frame first and the reason last.
  if (err.name.startsWith('PrismaClient')) return err.message.trim().split('\n').at(-1)?.trim() ?? err.message;
  return oneLine(err.message);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
