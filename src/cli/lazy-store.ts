import type { Config } from '../config/load.js';
import { parseDatabaseUrl } from '../store/database-url.js';
import { explainDatabaseError, type DatabaseAccess } from './database.js';
import type { CliRun } from './run.js';
import type { CommandStore } from './store.js';

/**
 * Runs `fn` with an open store and closes it whatever happens; a database failure on the way ends as one sentence.
 * The store's modules load on first use.
 */
export async function withStore<T>(
  config: Config,
  run: CliRun,
  opts: { access: DatabaseAccess; verbose: boolean },
  fn: (store: CommandStore) => Promise<T>,
): Promise<T> {
  const { openStore } = await import('./store.js');
  const store = await openStore(config, run, opts);
  try {
    return await fn(store);
  } catch (err) {
    throw explainDatabaseError(err, parseDatabaseUrl(config.database.url));
  } finally {
    await store.close();
  }
}
