/**
 * Platform access tokens (WeCom, DingTalk), one per (platform, app id, secret, API base): an in-process lru-cache
 * in front of the shared KeyValueStore (Redis in scaled mode, so web and worker processes share a token; main seals
 * it there), one fetch in flight per key, refreshed early, and invalidated precisely when the platform rejects the
 * token we used. Keys hash the secret; tokens are never logged.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from '../store/kv.js';

export interface TokenCredentials {
  /** Key prefix: `wecom`, `dingtalk`. */
  platform: string;
  /** WeCom: the corpId; DingTalk: the clientId (AppKey). */
  appId: string;
  secret: string;
  /** Part of the key so a private deployment and the public API never share tokens. */
  baseUrl?: string;
}

export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

interface Entry {
  token: string;
  /** ms: WeCom stops accepting the token. */
  expiresAt: number;
  /** ms: we fetch a new one from here on. */
  refreshAt: number;
}

export interface TokenCacheOptions {
  kv: KeyValueStore;
  logger: Logger;
  clock?: () => number;
  /** Refresh this long before expiry (capped at a quarter of the lifetime). @defaultValue 300000 */
  refreshMarginMs?: number;
  /** Tokens kept in process. @defaultValue 1000 */
  maxEntries?: number;
}

/** The shared-store key of a credential pair: `<platform>:token:<sha256(baseUrl, appId, secret)>`, never the secret. */
export function tokenCacheKey(creds: TokenCredentials): string {
  const digest = createHash('sha256')
    .update(`${creds.baseUrl ?? ''}\u0000${creds.appId}\u0000${creds.secret}`)
    .digest('hex')
    .slice(0, 40);
  return `${creds.platform}:token:${digest}`;
}

function parseEntry(raw: string | undefined): Entry | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<Entry>;
    if (typeof v.token === 'string' && typeof v.expiresAt === 'number' && typeof v.refreshAt === 'number') {
      return { token: v.token, expiresAt: v.expiresAt, refreshAt: v.refreshAt };
    }
  } catch {
    /* a corrupt entry is a miss */
  }
  return undefined;
}

export class AccessTokenCache {
  private readonly local: LRUCache<string, Entry>;
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly kv: KeyValueStore;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly marginMs: number;

  constructor(opts: TokenCacheOptions) {
    this.kv = opts.kv;
    this.logger = opts.logger;
    this.clock = opts.clock ?? Date.now;
    this.marginMs = opts.refreshMarginMs ?? 300_000;
    this.local = new LRUCache<string, Entry>({ max: opts.maxEntries ?? 1000 });
  }

  /** A valid token: from memory, else the shared store, else one fetch shared by every concurrent caller. */
  async get(creds: TokenCredentials, fetcher: () => Promise<FetchedToken>): Promise<string> {
    const key = tokenCacheKey(creds);
    const hit = this.local.get(key);
    if (hit && this.clock() < hit.refreshAt) return hit.token;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.load(key, hit, fetcher).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Forget `badToken` (the platform rejected it). A newer token fetched meanwhile is kept. */
  async invalidate(creds: TokenCredentials, badToken: string): Promise<void> {
    const key = tokenCacheKey(creds);
    if (this.local.get(key)?.token === badToken) this.local.delete(key);
    const shared = parseEntry(await this.kv.get(key));
    if (shared?.token === badToken) await this.kv.delete(key);
  }

  private async load(key: string, stale: Entry | undefined, fetcher: () => Promise<FetchedToken>): Promise<string> {
    const now = this.clock();
    const shared = parseEntry(await this.kv.get(key));
    if (shared && now < shared.refreshAt) {
      this.local.set(key, shared, { ttl: Math.max(1, shared.expiresAt - now) });
      return shared.token;
    }
    const fallback = [stale, shared].find((e): e is Entry => e !== undefined && now < e.expiresAt - 10_000);
    let fetched: FetchedToken;
    try {
      fetched = await fetcher();
    } catch (err) {
      if (fallback) {
        // An early refresh failed but the token still works: keep serving it, try again on the next call.
        this.logger.warn({ err: errSummary(err), platform: key.slice(0, key.indexOf(':')) }, 'access token refresh failed, using the current token until it expires');
        return fallback.token;
      }
      throw err;
    }
    const at = this.clock();
    const lifetimeMs = Math.max(1, fetched.expiresInSec) * 1000;
    const entry: Entry = {
      token: fetched.token,
      expiresAt: at + lifetimeMs,
      refreshAt: at + lifetimeMs - Math.min(this.marginMs, lifetimeMs / 4),
    };
    this.local.set(key, entry, { ttl: lifetimeMs });
    await this.kv.set(key, JSON.stringify(entry), lifetimeMs);
    return entry.token;
  }
}

function errSummary(err: unknown): { code?: string; message?: string } {
  if (err instanceof Error) return { code: (err as { code?: string }).code, message: err.message };
  return { message: String(err) };
}
