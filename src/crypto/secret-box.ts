import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { loadSecretKeyRing, type KeyRingSource } from './secret-key-ring.js';

export type SecretBoxErrorCode = 'secret_key_invalid' | 'secret_key_unknown' | 'secret_malformed' | 'secret_tampered';

/** A secret could not be sealed or opened. Never exposed: the message names no secret, only what went wrong. */
export class SecretBoxError extends AppError {
  declare readonly code: SecretBoxErrorCode;

  constructor(code: SecretBoxErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, { status: 500, expose: false, cause: opts.cause });
  }
}

export interface SecretKey {
  /** Positive integer; written in front of every ciphertext it seals (`v3:...`). */
  version: number;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

/**
 * AES-256-GCM with a versioned key ring. Sealed text is `v<version>:<base64url(iv ‖ tag ‖ ciphertext)>`.
 * The additional data binds a ciphertext to where it belongs (see `secretAad`): a value copied to another tenant
 * or another field fails to open.
 */
export interface SecretBox {
  /** Seals with the newest key (highest version). */
  seal(plain: string, aad: string): string;
  /** Opens with the key the prefix names. Throws SecretBoxError on a wrong AAD, a wrong key or any tampering. */
  open(sealed: string, aad: string): string;
  /** The version `seal` uses now. */
  readonly currentVersion: number;
  /** True when `sealed` was made with an older key and should be sealed again. */
  needsResealing(sealed: string): boolean;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const SEALED = /^v([1-9][0-9]{0,8}):([A-Za-z0-9_-]+)$/;

/** The additional data for a secret of `purpose` (e.g. 'workflow.apiKey') owned by `tenantId`. */
export function secretAad(tenantId: string, purpose: string): string {
  return JSON.stringify(['switchboard.secret', tenantId, purpose]);
}

export function createSecretBox(keys: SecretKey[]): SecretBox {
  if (keys.length === 0) throw new SecretBoxError('secret_key_invalid', 'the secret key ring is empty');
  const ring = new Map<number, Buffer>();
  for (const { version, key } of keys) {
    if (!Number.isSafeInteger(version) || version < 1) throw new SecretBoxError('secret_key_invalid', `key version must be a positive integer, got ${version}`);
    if (key.length !== KEY_BYTES) throw new SecretBoxError('secret_key_invalid', `key v${version} must be ${KEY_BYTES} bytes, got ${key.length}`);
    if (ring.has(version)) throw new SecretBoxError('secret_key_invalid', `key version v${version} appears twice`);
    ring.set(version, Buffer.from(key));
  }
  const currentVersion = Math.max(...ring.keys());
  const currentKey = ring.get(currentVersion) as Buffer;

  function parse(sealed: string): { version: number; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
    const match = SEALED.exec(sealed);
    if (!match) throw new SecretBoxError('secret_malformed', 'sealed secret has an unknown format');
    const body = Buffer.from(match[2] as string, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('secret_malformed', 'sealed secret is truncated');
    return {
      version: Number(match[1]),
      iv: body.subarray(0, IV_BYTES),
      tag: body.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
      ciphertext: body.subarray(IV_BYTES + TAG_BYTES),
    };
  }

  return {
    currentVersion,
    seal(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v${currentVersion}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
    },
    open(sealed, aad) {
      const { version, iv, tag, ciphertext } = parse(sealed);
      const key = ring.get(version);
      if (!key) throw new SecretBoxError('secret_key_unknown', `sealed with key v${version}, which is not in the key ring`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new SecretBoxError('secret_tampered', `sealed secret (key v${version}) failed authentication: wrong key, wrong owner or tampered`, { cause });
      }
    },
    needsResealing(sealed) {
      return parse(sealed).version !== currentVersion;
    },
  };
}

/** The secret box of this process, from SWITCHBOARD_SECRET_KEY or the embedded default's key file. */
export async function loadSecretBox(source: KeyRingSource): Promise<SecretBox> {
  return createSecretBox(loadSecretKeyRing(source));
}
