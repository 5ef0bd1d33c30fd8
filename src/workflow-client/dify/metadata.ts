import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AppParameters } from './parameters.js';

export interface AppInfo {
  name?: string;
  mode?: string;
}

type Entry<T> = { value: T } | { unavailableUntil: number };

/**
 * `/v1/info` and `/v1/parameters` answers per binding, shared by re-created clients. Keyed by workflow id plus a
 * hash of base URL and key (never the key itself), so a rotated key or a moved app is fetched afresh.
 * Successful answers live `ttlMs`; a transient failure is remembered briefly so an outage does not double every run.
 */
export class AppMetadataCache {
  private readonly entries: LRUCache<string, Entry<AppInfo | AppParameters>>;

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly failureTtlMs = 10_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.entries = new LRUCache({ max: 2_000 });
  }

  static key(workflowId: string, baseUrl: string, apiKey: string, what: 'info' | 'parameters'): string {
    const digest = createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 16);
    return `${what}:${workflowId}:${digest}`;
  }

  /** The cached value; `null` when recently unavailable; `undefined` when unknown. */
  get<T extends AppInfo | AppParameters>(key: string): T | null | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if ('value' in entry) return entry.value as T;
    return entry.unavailableUntil > this.clock() ? null : undefined;
  }

  set(key: string, value: AppInfo | AppParameters): void {
    this.entries.set(key, { value }, { ttl: this.ttlMs });
  }

  markUnavailable(key: string): void {
    this.entries.set(key, { unavailableUntil: this.clock() + this.failureTtlMs }, { ttl: this.failureTtlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
