import { isUniqueViolation } from '../errors.js';

/**
 * Race-safe "get or create" on a unique key: try to create; when a concurrent writer won (unique violation), read
 * the winner's row instead. Any other error, or a winner that vanished, is rethrown.
 */
export async function createOrFetch<T>(create: () => Promise<T>, fetch: () => Promise<T | null>): Promise<{ row: T; created: boolean }> {
  try {
    return { row: await create(), created: true };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const row = await fetch();
    if (row === null) throw err;
    return { row, created: false };
  }
}
