import type { AdapterRegistry } from '../adapters/registry.js';
import type { Logger } from '../observability/logger.js';
import type { Queue } from '../queue/types.js';
import type { KeyValueStore } from '../store/kv.js';
import type { Repositories } from '../store/repositories/index.js';
import type { BotChanges } from './bots/bot-changes.js';
import type { AdminLimiters } from './http/rate-limit.js';

export interface SessionPolicy {
  /** A session unused this long ends (sliding expiry). @defaultValue 12 hours */
  idleMs: number;
  /** A session ends this long after sign-in, used or not (absolute expiry). @defaultValue 7 days */
  absoluteMs: number;
  /** lastSeenAt is written at most this often per session. @defaultValue 1 minute */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000, touchEveryMs: 60_000 };

/** Everything the admin API's handlers use. */
export interface AdminDeps {
  repos: Repositories;
  adapters: AdapterRegistry;
  /** Announce every saved bot change here: caches and platform connections of every web process follow it. */
  botChanges: BotChanges;
  /** Shared state: the first-run setup token's hash lives here (in Redis when scaled). */
  kv: KeyValueStore;
  limiters: AdminLimiters;
  /** Where replayed messages go (the pipeline's queue). */
  queue: Pick<Queue, 'enqueue'>;
  logger: Logger;
  /** PUBLIC_BASE_URL: the allowed Origin besides the request's own, and https there makes cookies Secure. */
  publicBaseUrl?: string;
  sessions: SessionPolicy;
  now(): Date;
}

export function secureCookies(deps: Pick<AdminDeps, 'publicBaseUrl'>): boolean {
  return deps.publicBaseUrl?.startsWith('https://') ?? false;
}
