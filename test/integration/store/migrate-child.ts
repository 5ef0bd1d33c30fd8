/**
 * Run by migrate.test.ts as a separate process: waits until the shared start time, migrates DATABASE_URL, and prints
 * the result as one JSON line (or the error code) so the parent can compare processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';

const [url, startAt] = process.argv.slice(2);
const database = await createDatabase(url);
await sleep(Math.max(0, Number(startAt) - Date.now()));
try {
  const result = await migrate(database);
  process.stdout.write(`${JSON.stringify({ ok: true, applied: result.applied })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, code: (err as { code?: string }).code, message: String(err) })}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
