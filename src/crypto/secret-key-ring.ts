import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { SecretKey } from './secret-box.js';

const KEY_BYTES = 32;
const ENTRY = /^v([1-9][0-9]{0,8}):(.+)$/;

/**
 * Parses a key ring: one base64 key (version 1), or `v1:<base64>,v2:<base64>` (seal with the highest, open with
 * any). Errors name SWITCHBOARD_SECRET_KEY but never echo the value.
 */
export function parseSecretKeyRing(value: string, source = 'SWITCHBOARD_SECRET_KEY'): SecretKey[] {
  const text = value.trim();
  const entries = text.includes(':') ? text.split(',').map((part) => part.trim()).filter(Boolean) : [`v1:${text}`];
  const keys: SecretKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const match = ENTRY.exec(entry);
    if (!match) throw new ConfigError(`${source}: entry ${index + 1} must look like v<number>:<base64 of 32 bytes>`);
    const version = Number(match[1]);
    const key = decodeKey(match[2] as string);
    if (!key) throw new ConfigError(`${source}: key v${version} must be base64 of exactly ${KEY_BYTES} bytes`);
    if (keys.some((k) => k.version === version)) throw new ConfigError(`${source}: key v${version} is given twice`);
    keys.push({ version, key });
  }
  if (keys.length === 0) throw new ConfigError(`${source}: no key given`);
  return keys;
}

function decodeKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64'); // Node's decoder reads the URL-safe alphabet too
  return key.length === KEY_BYTES ? key : undefined;
}

export interface KeyRingSource {
  /** SWITCHBOARD_SECRET_KEY as given. */
  secretKey?: string;
  /** The embedded default's key file (./data/secret.key), used only when secretKey is absent. */
  keyFile?: string;
  /** With PostgreSQL several processes share the data, so they must share a key: a local file is refused. */
  provider?: 'sqlite' | 'postgresql';
}

/**
 * The key ring to use: SWITCHBOARD_SECRET_KEY when given; otherwise (embedded SQLite default) the local key file,
 * created on first start. Neither → ConfigError naming SWITCHBOARD_SECRET_KEY.
 */
export function loadSecretKeyRing(source: KeyRingSource): SecretKey[] {
  if (source.secretKey !== undefined && source.secretKey !== '') return parseSecretKeyRing(source.secretKey);
  if (source.keyFile && source.provider !== 'postgresql') return ensureLocalKeyFile(source.keyFile);
  throw new ConfigError(
    'SWITCHBOARD_SECRET_KEY: required' + (source.provider === 'postgresql' ? ' with PostgreSQL' : '') + ' (base64 of 32 random bytes, or v1:<base64>,v2:<base64>)',
  );
}

/**
 * Reads the local key file, creating it (mode 0600, one fresh key) when missing. Safe when two processes start
 * together: the file appears atomically (written aside, then hard-linked into place), and the loser reads the
 * winner's key.
 */
export function ensureLocalKeyFile(path: string): SecretKey[] {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, `v1:${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(temp);
    }
  }
  return parseSecretKeyRing(readFileSync(path, 'utf8'), `secret key file ${path}`);
}

/** A sentence for the log when the local key file can be read by users other than its owner; undefined when fine. */
export function keyFileExposure(path: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  return `the secret key file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}): run chmod 600 on it, or set SWITCHBOARD_SECRET_KEY instead`;
}
