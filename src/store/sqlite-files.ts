import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The SQLite file holds every customer message and the sealed credentials, next to the key file: only the service's
 * own user may read it. Creates the folder 0700 and the database 0600 before SQLite opens it (SQLite gives its
 * -wal and -shm files the database file's mode), and tightens files an older version left 0644.
 */
export function prepareSqliteFiles(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}
