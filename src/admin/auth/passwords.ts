import { Algorithm, hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). */
const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Long passphrases welcome; no composition rules (NIST SP 800-63B). */
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(1024, 'at most 1024 characters');

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

let dummyHash: Promise<string> | undefined;

/** Makes the dummy hash at start, so that not even the first unknown-user sign-in takes longer than the others. */
export async function prepareDummyHash(): Promise<void> {
  dummyHash ??= hashPassword('switchboard-dummy-password');
  await dummyHash;
}

/**
 * True when `password` matches `passwordHash`. Without a hash (unknown user, or an invited user who has not set a
 * password yet) a dummy hash is verified instead, so both answers take the same time and say the same thing.
 */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    await prepareDummyHash();
    await verify(await (dummyHash as Promise<string>), password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
