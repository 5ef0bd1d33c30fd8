import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** A file the user named (`namedBy`: where, e.g. 'given with -f') must be there and readable before anything else happens (no database is opened for a typo). */
export function assertReadableFile(path: string, namedBy: string): void {
  const absolute = resolve(path);
  try {
    accessSync(absolute, constants.R_OK);
    if (!statSync(absolute).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'was not found' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(`The config file ${absolute} (${namedBy}) ${problem}: check the path.`, { code: 'config_file_missing', cause: err });
  }
}
