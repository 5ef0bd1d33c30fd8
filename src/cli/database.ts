/**
 * The database a command uses: named on stderr before it is opened (path or host, never the password), checked for
 * what a user can fix (no database where one is expected, a data directory that cannot be written), and connection
 * failures turned into one sentence naming DATABASE_URL.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { parseDatabaseUrl, type DatabaseTarget } from '../store/database-url.js';
import type { CliRun } from './run.js';

/**
 * `write`: the command may create the database (config apply, migrate, the servers).
 * `read`: it only reads bots and workflows, so a database that does not exist is an error, not a new empty one.
 */
export type DatabaseAccess = 'read' | 'write';

export function describeDatabase(target: DatabaseTarget): string {
  if (target.provider === 'sqlite') return `SQLite ${target.file}`;
  const url = new URL(target.connectionString);
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `PostgreSQL ${user}${url.hostname}:${url.port || '5432'}${database ? `/${database}` : ''}${target.schema ? `, schema ${target.schema}` : ''}`;
}

/** Names the database on stderr and checks what would otherwise fail deep inside a driver. */
export function prepareDatabase(config: Config, run: CliRun, access: DatabaseAccess): DatabaseTarget {
  const target = parseDatabaseUrl(config.database.url);
  const isNew = target.provider === 'sqlite' && !existsSync(target.file);
  run.io.err(`Database: ${describeDatabase(target)}${isNew && access === 'write' ? ' (new: created now)' : ''}\n`);
  if (target.provider === 'postgresql') return target;
  if (isNew && access === 'read') {
    throw new ConfigError(
      `No database at ${target.file}: run this command where Switchboard runs, or set SWITCHBOARD_DATA_DIR (or DATABASE_URL) to the database it uses.`,
      { code: 'database_missing' },
    );
  }
  const folder = dirname(target.file);
  assertWritableDirectory(folder, folder === config.dataDir ? 'data directory' : 'database folder', access === 'write');
  // Without SWITCHBOARD_SECRET_KEY the embedded default keeps its key file in the data directory.
  if (!config.secretKey) {
    if (access === 'write') assertWritableDirectory(config.dataDir, 'data directory', true);
    else if (!existsSync(config.secretKeyFile)) {
      throw new ConfigError(
        `No secret key at ${config.secretKeyFile}: the credentials in ${target.file} cannot be read without it. Restore it from the backup of the data directory, or set SWITCHBOARD_SECRET_KEY.`,
        { code: 'secret_key_missing' },
      );
    }
  }
  return target;
}

function assertWritableDirectory(dir: string, what: string, create: boolean): void {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      `The ${what} ${dir} is not writable (${code}): make it writable for this user, or set SWITCHBOARD_DATA_DIR (or DATABASE_URL) to a writable place.`,
      { code: 'data_dir_not_writable', cause: err },
    );
  }
}

const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

interface ErrorNode {
  code?: unknown;
  port?: unknown;
  message?: unknown;
}

/** The error and its causes (and an AggregateError's members), outermost first. */
function chain(err: unknown): ErrorNode[] {
  const nodes: ErrorNode[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && nodes.length < 20) {
    const next = queue.shift();
    if (!next || typeof next !== 'object') continue;
    nodes.push(next as ErrorNode);
    if ('cause' in next) queue.push(next.cause);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
  }
  return nodes;
}

/**
 * A failure to reach or log in to the database, as one sentence naming where and DATABASE_URL; any other error is
 * returned unchanged. Errors of other services (a Redis on another port) are not mistaken for the database's.
 */
export function explainDatabaseError(err: unknown, target: DatabaseTarget): unknown {
  if (err instanceof ConfigError) return err;
  const nodes = chain(err);
  if (target.provider === 'sqlite') {
    const failure = nodes.find((n) => typeof n.code === 'string' && /^SQLITE_(CANTOPEN|READONLY|PERM|IOERR)/.test(n.code));
    if (!failure) return err;
    return new ConfigError(
      `Cannot use the SQLite database ${target.file} (${String(failure.code)}): make it and its folder writable for this user, or set SWITCHBOARD_DATA_DIR (or DATABASE_URL).`,
      { code: 'database_unavailable', cause: err },
    );
  }
  const url = new URL(target.connectionString);
  const port = Number(url.port || 5432);
  const where = `${url.hostname}:${port}`;
  const connect = nodes.find((n) => typeof n.code === 'string' && n.code in CONNECT_FAILURES && (n.port === undefined || n.port === port));
  if (connect) {
    return new ConfigError(
      `Cannot reach the PostgreSQL database at ${where} (${CONNECT_FAILURES[connect.code as string]}): check DATABASE_URL and that the server is running and reachable from here.`,
      { code: 'database_unavailable', cause: err },
    );
  }
  const refused = nodes.find((n) => n.code === '28P01' || n.code === '28000' || n.code === '3D000');
  if (refused) {
    const reason = refused.code === '3D000' ? 'the database does not exist' : 'the login was refused';
    return new ConfigError(`The PostgreSQL server at ${where} answered, but ${reason} (${String(refused.message)}): fix DATABASE_URL.`, {
      code: 'database_unavailable',
      cause: err,
    });
  }
  return err;
}
