import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

export type Provider = 'sqlite' | 'postgresql';

export const DEFAULT_DATABASE_URL = 'file:./data/switchboard.db';

/** Where a database lives, parsed once from DATABASE_URL. */
export type DatabaseTarget =
  | { provider: 'sqlite'; /** absolute path of the database file */ file: string }
  | {
      provider: 'postgresql';
      /** The URL without Switchboard's own `schema` parameter. */
      connectionString: string;
      /** From `?schema=`: tables live there (search_path); absent means the server's default (usually public). */
      schema?: string;
    };

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * `file:` → SQLite (relative paths against the working directory); `postgres://` / `postgresql://` → PostgreSQL,
 * with an optional `schema` query parameter. Anything else is a ConfigError naming DATABASE_URL.
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  const value = url === undefined || url === '' ? DEFAULT_DATABASE_URL : url;
  if (value.startsWith('file:')) {
    const path = value.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '' || path.startsWith(':memory:')) {
      throw new ConfigError('DATABASE_URL: give SQLite a file path (file:./data/switchboard.db); in-memory databases lose every message');
    }
    return { provider: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch (cause) {
      throw new ConfigError('DATABASE_URL: not a valid PostgreSQL URL', { cause });
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new ConfigError('DATABASE_URL: the schema parameter must be a plain identifier (letters, digits, _)');
    }
    parsed.searchParams.delete('schema');
    return { provider: 'postgresql', connectionString: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new ConfigError('DATABASE_URL: must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)');
}
