import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/observability/logger.js';
import { maskUrlCredentials } from '../../../src/observability/redact-url.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('credentials of URLs never reach errors or logs', () => {
  it('masks the password of every URL in a text, keeping the rest', () => {
    expect(maskUrlCredentials('connect postgresql://app:s3cret@db:5432/x failed')).toBe('connect postgresql://app:***@db:5432/x failed');
    expect(maskUrlCredentials('redis://:hunter2@cache:6379 and rediss://u:p%40ss@h/0')).toBe('redis://:***@cache:6379 and rediss://u:***@h/0');
    expect(maskUrlCredentials('postgres://u:pa@ss@h/db')).toBe('postgres://u:***@h/db');
    expect(maskUrlCredentials('http://example.com/a@b and user@example.com')).toBe('http://example.com/a@b and user@example.com');
  });

  it('a malformed DATABASE_URL or REDIS_URL is named without its password', () => {
    const db = configError({ DATABASE_URL: 'mysql://app:hunter2@db/x' });
    expect(db).toMatch(/DATABASE_URL/);
    expect(db).toContain('mysql://app:***@db/x');
    expect(db).not.toContain('hunter2');
    const redis = configError({ REDIS_URL: 'http://:hunter3@cache:6379' });
    expect(redis).toMatch(/REDIS_URL/);
    expect(redis).not.toContain('hunter3');
  });

  it('logged errors have URL credentials masked in message and stack', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination });
    logger.error({ err: new Error('getaddrinfo ENOTFOUND for postgresql://app:hunter4@db/x') }, 'database unreachable');
    logger.warn({ err: 'redis://:hunter5@cache:6379 refused' }, 'redis down');
    const out = lines.join('');
    expect(out).toContain('postgresql://app:***@db/x');
    expect(out).not.toContain('hunter4');
    expect(out).not.toContain('hunter5');
  });
});
