import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { DataDirInUseError, lockDataDir } from '../../../src/lifecycle/data-dir-lock.js';

describe('lockDataDir', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-lock-'));
    dirs.push(dir);
    return join(dir, 'data');
  };

  it('holds the embedded database for one holder at a time, naming the holder, until released', () => {
    const config = loadConfig({ SWITCHBOARD_DATA_DIR: dataDir() });
    const lock = lockDataDir(config)!;
    expect(lock.path).toBe(`${join(config.dataDir, 'switchboard.db')}.lock`);
    expect(readFileSync(`${lock.path}.pid`, 'utf8').trim()).toBe(String(process.pid));

    let refusal: unknown;
    try {
      lockDataDir(config);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(DataDirInUseError);
    expect((refusal as Error).message).toContain(`the data directory ${config.dataDir} is in use by another Switchboard (pid ${process.pid}`);
    expect((refusal as Error).message).not.toContain('\n');

    lock.release();
    const again = lockDataDir(config);
    expect(again).toBeDefined();
    again!.release();
  });

  it('names the database file when it lives outside the data directory', () => {
    const elsewhere = dataDir();
    const config = loadConfig({ SWITCHBOARD_DATA_DIR: dataDir(), DATABASE_URL: `file:${join(elsewhere, 'other.db')}` });
    const lock = lockDataDir(config)!;
    try {
      expect(() => lockDataDir(config)).toThrow(`the database ${join(elsewhere, 'other.db')} is in use`);
    } finally {
      lock.release();
    }
  });

  it('does not lock in the scaled mode, where processes share work through Redis', () => {
    expect(lockDataDir(loadConfig({ SWITCHBOARD_DATA_DIR: dataDir(), REDIS_URL: 'redis://127.0.0.1:6379' }))).toBeUndefined();
    expect(lockDataDir(loadConfig({ DATABASE_URL: 'postgresql://u@127.0.0.1/db', SWITCHBOARD_SECRET_KEY: 'x'.repeat(44), REDIS_URL: 'redis://127.0.0.1:6379' }))).toBeUndefined();
  });
});
