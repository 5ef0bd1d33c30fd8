import type { AdminDeps } from '../deps.js';
import { hashToken, newSecretToken } from './secret-tokens.js';

const KEY = 'admin:setup-token:';
const LOCK = 'admin:setup-lock';
/** A process that runs this long without anyone finishing setup prints a new token at its next start. */
const TOKEN_TTL_MS = 7 * 24 * 3600_000;

/**
 * While no user exists, makes a one-time setup token, keeps its hash in the shared store (any web process accepts
 * it) and prints it in the log: whoever can read the server's log may create the first administrator. Returns the
 * token (undefined when a user exists).
 */
export async function announceSetupToken(deps: Pick<AdminDeps, 'repos' | 'kv' | 'logger' | 'publicBaseUrl'>): Promise<string | undefined> {
  if ((await deps.repos.users.count()) > 0) return undefined;
  const token = newSecretToken('setup');
  await deps.kv.set(KEY + hashToken(token), '1', TOKEN_TTL_MS);
  const where = deps.publicBaseUrl ? `${deps.publicBaseUrl.replace(/\/$/, '')}/admin` : '/admin';
  deps.logger.warn(
    { setup: where },
    `No user exists yet. Create the first administrator at ${where} with the one-time setup token ${token} ` +
      '(or run: switchboard user create --admin --email <you>)',
  );
  return token;
}

/** Spends the setup token: true once per token, false for a token never issued or already used. */
export async function consumeSetupToken(deps: Pick<AdminDeps, 'kv'>, token: string): Promise<boolean> {
  const key = KEY + hashToken(token);
  if ((await deps.kv.get(key)) === undefined) return false;
  await deps.kv.delete(key);
  return true;
}

/** One setup at a time across processes; the holder checks again that no user exists. */
export function lockSetup(deps: Pick<AdminDeps, 'kv'>): Promise<boolean> {
  return deps.kv.setIfAbsent(LOCK, '1', 30_000);
}

export async function unlockSetup(deps: Pick<AdminDeps, 'kv'>): Promise<void> {
  await deps.kv.delete(LOCK);
}
