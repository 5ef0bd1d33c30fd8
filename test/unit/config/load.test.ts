import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

describe('loadConfig', () => {
  it('gives the embedded default when nothing is set', () => {
    const config = loadConfig({});
    expect(config.database.provider).toBe('sqlite');
    expect(config.database.url).toMatch(/^file:.*data[/\\]switchboard\.db$/);
    expect(config.redisUrl).toBeUndefined();
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 3000 });
    expect(config.queue.concurrency).toBe(8);
  });

  it('names the variable and what is expected when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*"eighty"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must start with file: or postgres:\/\/ or postgresql:\/\//);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ METRICS_ENABLED: 'maybe' })).toThrow(/METRICS_ENABLED/);
  });

  it('fails closed: PostgreSQL without a secret key ring is a startup error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://u@127.0.0.1/db' })).toThrow(/SWITCHBOARD_SECRET_KEY: required with PostgreSQL/);
    const ok = loadConfig({ DATABASE_URL: 'postgresql://u@127.0.0.1/db', SWITCHBOARD_SECRET_KEY: 'x'.repeat(44) });
    expect(ok.database.provider).toBe('postgresql');
  });

  it('reads the retry budget of a message: tries in all and time from the first', () => {
    expect(loadConfig({}).queue).toMatchObject({ attempts: 8, timeBudgetMs: 300_000 });
    expect(loadConfig({ JOB_ATTEMPTS: '3', JOB_TIME_BUDGET_MS: '60000' }).queue).toMatchObject({ attempts: 3, timeBudgetMs: 60_000 });
    expect(() => loadConfig({ JOB_TIME_BUDGET_MS: '10' })).toThrow(/JOB_TIME_BUDGET_MS/);
  });

  it('reads the database deadlines and the watchdog limits, which must leave room to be not ready before exiting', () => {
    expect(loadConfig({})).toMatchObject({
      database: { ingressWriteTimeoutMs: 1000, callTimeoutMs: 20_000 },
      watchdog: { stallMs: 120_000, exitMs: 600_000 },
    });
    expect(loadConfig({ WATCHDOG_STALL_MS: '5000', WATCHDOG_EXIT_MS: '0' }).watchdog).toEqual({ stallMs: 5000, exitMs: 0 });
    expect(() => loadConfig({ WATCHDOG_STALL_MS: '5000', WATCHDOG_EXIT_MS: '5000' })).toThrow(/WATCHDOG_EXIT_MS: must be 0 \(never exit\) or longer than WATCHDOG_STALL_MS/);
    expect(() => loadConfig({ INGRESS_WRITE_TIMEOUT_MS: '10' })).toThrow(/INGRESS_WRITE_TIMEOUT_MS/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' }).http.port).toBe(3000);
  });

  it('bounds slow clients by default: headers 10 s, body 10 s, whole request 30 s, a connection cap', () => {
    expect(loadConfig({}).http).toMatchObject({ headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 1000 });
  });

  it('refuses a header or body deadline longer than the whole request may take', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS \(5000\)/);
    expect(() => loadConfig({ HTTP_BODY_TIMEOUT_MS: '31000' })).toThrow(/HTTP_BODY_TIMEOUT_MS/);
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_BODY_TIMEOUT_MS: '5000' }).http.requestTimeoutMs).toBe(5000);
  });
});
