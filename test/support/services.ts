/**
 * Gates for suites that need a real service. CI (.ci/run) sets these variables; on a machine without the service
 * the suite is reported as skipped, and its title says why.
 *
 *   SWITCHBOARD_TEST_PG_URL     e.g. postgresql://postgres@127.0.0.1:5432/test
 *   SWITCHBOARD_TEST_REDIS_URL  e.g. redis://127.0.0.1:6379
 */
import { describe } from 'vitest';

export const TEST_PG_URL = process.env.SWITCHBOARD_TEST_PG_URL;
export const TEST_REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL;

type SuiteFn = () => void;

function gated(present: string | undefined, variable: string, service: string) {
  return (title: string, fn: SuiteFn): void => {
    if (present) describe(title, fn);
    else describe.skip(`${title} [skipped: ${service} not configured, set ${variable}]`, fn);
  };
}

export const describeWithPostgres = gated(TEST_PG_URL, 'SWITCHBOARD_TEST_PG_URL', 'PostgreSQL');
export const describeWithRedis = gated(TEST_REDIS_URL, 'SWITCHBOARD_TEST_REDIS_URL', 'Redis');
