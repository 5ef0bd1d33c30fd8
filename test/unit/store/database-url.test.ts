import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { parseDatabaseUrl } from '../../../src/store/database-url.js';

describe('parseDatabaseUrl', () => {
  it('defaults to SQLite under ./data', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ provider: 'sqlite', file: resolve('data/switchboard.db') });
    expect(parseDatabaseUrl('')).toEqual({ provider: 'sqlite', file: resolve('data/switchboard.db') });
  });

  it('reads relative and absolute SQLite files', () => {
    expect(parseDatabaseUrl('file:./x/y.db')).toEqual({ provider: 'sqlite', file: resolve('x/y.db') });
    expect(parseDatabaseUrl('file:/var/lib/sb.db')).toEqual({ provider: 'sqlite', file: '/var/lib/sb.db' });
    expect(parseDatabaseUrl('file:///var/lib/sb.db')).toEqual({ provider: 'sqlite', file: '/var/lib/sb.db' });
  });

  it('reads PostgreSQL with and without a schema parameter, keeping other parameters', () => {
    expect(parseDatabaseUrl('postgres://u:p@h:5432/db')).toEqual({ provider: 'postgresql', connectionString: 'postgres://u:p@h:5432/db' });
    expect(parseDatabaseUrl('postgresql://u@h/db?schema=tenant_1&sslmode=require')).toEqual({
      provider: 'postgresql',
      connectionString: 'postgresql://u@h/db?sslmode=require',
      schema: 'tenant_1',
    });
  });

  it('refuses other schemes, in-memory SQLite and odd schema names, naming DATABASE_URL', () => {
    for (const url of ['mysql://h/db', 'redis://h', 'file::memory:', 'postgresql://h/db?schema=a;drop', 'postgresql://h/db?schema=a"b']) {
      expect(() => parseDatabaseUrl(url), url).toThrow(ConfigError);
      expect(() => parseDatabaseUrl(url), url).toThrow(/DATABASE_URL/);
    }
  });
});
