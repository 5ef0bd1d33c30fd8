import { PLATFORMS, type Platform, type PlatformAdapter } from './types.js';

export interface AdapterRegistry {
  get(platform: string): PlatformAdapter | undefined;
  list(): PlatformAdapter[];
  isPlatform(name: string): name is Platform;
}

export function createAdapterRegistry(adapters: PlatformAdapter[]): AdapterRegistry {
  const byPlatform = new Map<string, PlatformAdapter>();
  for (const adapter of adapters) {
    if (byPlatform.has(adapter.platform)) throw new Error(`two adapters for ${adapter.platform}`);
    byPlatform.set(adapter.platform, adapter);
  }
  return {
    get: (platform) => byPlatform.get(platform),
    list: () => [...byPlatform.values()],
    isPlatform: (name): name is Platform => (PLATFORMS as readonly string[]).includes(name),
  };
}
