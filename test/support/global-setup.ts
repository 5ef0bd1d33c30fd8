import { browserUnavailable } from './browser.js';

/** Says up front which service-backed suites will be skipped and why, so a plain `npm test` never silently passes. */
export default function announceSkippedSuites(): void {
  const missing: string[] = [];
  if (!process.env.SWITCHBOARD_TEST_PG_URL) missing.push('PostgreSQL suites SKIPPED: SWITCHBOARD_TEST_PG_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)');
  if (!process.env.SWITCHBOARD_TEST_REDIS_URL) missing.push('Redis/BullMQ suites SKIPPED: SWITCHBOARD_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');
  const browser = browserUnavailable();
  if (browser) missing.push(`Browser suites SKIPPED: ${browser}`);
  for (const line of missing) console.warn(`\n[switchboard tests] ${line}`);
}
