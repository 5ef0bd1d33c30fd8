/**
 * One embedded instance per database file. The embedded mode (SQLite + the in-process queue) takes over whatever its
 * database holds as queued or running when it starts, so a second instance on the same files would run the first
 * one's messages again. The lock is an SQLite write lock (an OS file lock, fcntl) held on `<database>.lock` for the
 * life of the process: the kernel drops it when the process ends in any way, SIGKILL included, so a stale lock
 * cannot block a restart, and no timestamp has to be refreshed. The holder's pid goes to `<database>.lock.pid` for the
 * message that refuses a second instance.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config/load.js';
import { AppError } from '../errors.js';
import { parseDatabaseUrl } from '../store/database-url.js';

export interface DataDirLock {
  /** The lock file. */
  readonly path: string;
  /** Lets another instance start (also done by the OS when this process ends). */
  release(): void;
}

export class DataDirInUseError extends AppError {
  constructor(message: string) {
    super('data_dir_in_use', message, { status: 409, expose: true });
  }
}

/**
 * Locks the database of the embedded mode (SQLite without REDIS_URL), or does nothing and returns undefined in the
 * scaled mode, where processes share work through Redis. Throws {@link DataDirInUseError} naming the holder's pid
 * when another process holds it.
 */
export function lockDataDir(config: Pick<Config, 'database' | 'redisUrl' | 'dataDir'>): DataDirLock | undefined {
  const target = parseDatabaseUrl(config.database.url);
  if (target.provider !== 'sqlite' || config.redisUrl) return undefined;
  const what = dirname(target.file) === config.dataDir ? `the data directory ${config.dataDir}` : `the database ${target.file}`;
  return acquireFileLock(`${target.file}.lock`, what);
}

function acquireFileLock(path: string, what: string): DataDirLock {
  const pidPath = `${path}.pid`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path, { timeout: 0 });
  try {
    // No journal file: the lock never writes, and a killed holder leaves nothing behind.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw err;
    const holder = readHolder(pidPath);
    throw new DataDirInUseError(
      `${what} is in use by another Switchboard (${holder ? `pid ${holder}` : 'pid unknown'}; lock file ${path}): ` +
        'stop that process first, or give this one its own SWITCHBOARD_DATA_DIR',
    );
  }
  const tmp = `${pidPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  renameSync(tmp, pidPath);
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      // While still holding the lock: nobody else writes the pid file until it is released.
      rmSync(pidPath, { force: true });
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

function readHolder(pidPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
