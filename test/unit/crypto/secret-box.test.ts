import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadSecretBox, secretAad, SecretBoxError } from '../../../src/crypto/secret-box.js';
import { ensureLocalKeyFile, loadSecretKeyRing, parseSecretKeyRing } from '../../../src/crypto/secret-key-ring.js';
import { ConfigError } from '../../../src/errors.js';

const key1 = { version: 1, key: randomBytes(32) };
const key2 = { version: 2, key: randomBytes(32) };
const aadA = secretAad('tenant-a', 'workflow.apiKey');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SecretBoxError ? err.code : `not a SecretBoxError: ${String(err)}`;
  }
  return undefined;
}

/** Flips one bit of the base64url body at byte `index` (0..11 iv, 12..27 tag, 28.. ciphertext). */
function flipByte(sealed: string, index: number): string {
  const [prefix, body] = sealed.split(':') as [string, string];
  const bytes = Buffer.from(body, 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `${prefix}:${bytes.toString('base64url')}`;
}

describe('secret box', () => {
  const box = createSecretBox([key1]);

  it('round-trips unicode and empty text, with a fresh iv each time', () => {
    for (const plain of ['app-abc123', '', '密钥 🔑 "quoted"']) expect(box.open(box.seal(plain, aadA), aadA)).toBe(plain);
    expect(box.seal('same', aadA)).not.toBe(box.seal('same', aadA));
  });

  it('writes the key version in front and never the plaintext', () => {
    const sealed = box.seal('app-very-secret-key', aadA);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('secret');
  });

  it('refuses another tenant or another field (AAD)', () => {
    const sealed = box.seal('app-key', aadA);
    expect(codeOf(() => box.open(sealed, secretAad('tenant-b', 'workflow.apiKey')))).toBe('secret_tampered');
    expect(codeOf(() => box.open(sealed, secretAad('tenant-a', 'bot.credentials')))).toBe('secret_tampered');
  });

  it('detects tampering in iv, tag or ciphertext', () => {
    const sealed = box.seal('app-key-with-some-length', aadA);
    for (const index of [0, 11, 12, 27, 28, 40]) expect(codeOf(() => box.open(flipByte(sealed, index), aadA)), `byte ${index}`).toBe('secret_tampered');
  });

  it('rejects malformed, truncated and unknown-version text', () => {
    expect(codeOf(() => box.open('plain text', aadA))).toBe('secret_malformed');
    expect(codeOf(() => box.open('v1:AAAA', aadA))).toBe('secret_malformed');
    expect(codeOf(() => box.open(box.seal('x', aadA).replace(/^v1:/, 'v7:'), aadA))).toBe('secret_key_unknown');
  });

  it('rotates: seals with the newest key, still opens the old one, and says what to reseal', () => {
    const oldSealed = box.seal('old', aadA);
    const rotated = createSecretBox([key1, key2]);
    expect(rotated.currentVersion).toBe(2);
    expect(rotated.open(oldSealed, aadA)).toBe('old');
    expect(rotated.needsResealing(oldSealed)).toBe(true);
    const fresh = rotated.seal('new', aadA);
    expect(fresh.startsWith('v2:')).toBe(true);
    expect(rotated.needsResealing(fresh)).toBe(false);
    expect(codeOf(() => box.open(fresh, aadA))).toBe('secret_key_unknown');
  });

  it('a key of the same version but other bytes cannot open', () => {
    const other = createSecretBox([{ version: 1, key: randomBytes(32) }]);
    expect(codeOf(() => other.open(box.seal('x', aadA), aadA))).toBe('secret_tampered');
  });

  it('refuses bad key rings', () => {
    expect(codeOf(() => createSecretBox([]))).toBe('secret_key_invalid');
    expect(codeOf(() => createSecretBox([{ version: 1, key: randomBytes(16) }]))).toBe('secret_key_invalid');
    expect(codeOf(() => createSecretBox([key1, { version: 1, key: randomBytes(32) }]))).toBe('secret_key_invalid');
    expect(codeOf(() => createSecretBox([{ version: 0, key: randomBytes(32) }]))).toBe('secret_key_invalid');
  });
});

describe('secret key ring', () => {
  const b64 = (k: Buffer) => k.toString('base64');

  it('reads one base64 key as v1 and a v1:,v2: list', () => {
    expect(parseSecretKeyRing(b64(key1.key))).toEqual([key1]);
    expect(parseSecretKeyRing(` v1:${b64(key1.key)}, v2:${key2.key.toString('base64url')} `)).toEqual([key1, key2]);
  });

  it('names the variable and never echoes the value', () => {
    for (const bad of ['short', `v1:${b64(randomBytes(31))}`, `v1:${b64(key1.key)},v1:${b64(key2.key)}`, 'x1:abc', `v1:${b64(key1.key)}!!`]) {
      let error: unknown;
      try {
        parseSecretKeyRing(bad);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('SWITCHBOARD_SECRET_KEY');
      expect((error as Error).message).not.toContain(b64(key1.key));
    }
  });

  it('creates the local key file once (0600) and reuses it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'switchboard-key-')), 'data', 'secret.key');
    const first = ensureLocalKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(ensureLocalKeyFile(path)).toEqual(first);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(first[0]?.key.length).toBe(32);
  });

  it('prefers SWITCHBOARD_SECRET_KEY; requires it with PostgreSQL', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'switchboard-key-')), 'secret.key');
    expect(loadSecretKeyRing({ secretKey: b64(key2.key), keyFile })).toEqual([{ version: 1, key: key2.key }]);
    expect(() => loadSecretKeyRing({ keyFile, provider: 'postgresql' })).toThrow(/SWITCHBOARD_SECRET_KEY/);
    expect(() => loadSecretKeyRing({})).toThrow(ConfigError);
    const box = await loadSecretBox({ keyFile, provider: 'sqlite' });
    expect(box.open(box.seal('x', aadA), aadA)).toBe('x');
  });
});
