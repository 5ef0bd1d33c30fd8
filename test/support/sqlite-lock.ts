/**
 * Another process holding SQLite's write lock (`BEGIN IMMEDIATE`) for a while, as a CLI run, a backup tool or a
 * second instance would.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Database } from '../../src/store/client.js';

export interface HeldLock {
  /** Resolves when the holder committed and exited. */
  done: Promise<void>;
}

export async function holdSqliteWriteLock(database: Database, holdMs: number): Promise<HeldLock> {
  if (database.target.provider !== 'sqlite') throw new Error('holdSqliteWriteLock needs a SQLite database');
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(database.target.file)});
       db.exec('BEGIN IMMEDIATE'); console.log('locked');
       setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});`,
    ],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit');
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', () => resolve());
    void exited.then(() => reject(new Error('the lock holder exited before taking the lock')));
  });
  return { done: exited.then(() => undefined) };
}
