import type { SecretBox } from '../crypto/secret-box.js';
import type { KeyValueStore } from './kv.js';

/**
 * A KeyValueStore whose values are sealed with the secret box before they leave the process: platform access
 * tokens cached in Redis are credentials and must not sit there in clear text. The key is part of the additional
 * data, so a value copied under another key does not open. A value that does not open (tampered, or sealed with a
 * key no longer in the ring) reads as a miss: the caller fetches a fresh token.
 */
export function createSealedKeyValueStore(inner: KeyValueStore, box: Pick<SecretBox, 'seal' | 'open'>): KeyValueStore {
  const aad = (key: string) => JSON.stringify(['switchboard.kv', key]);
  return {
    async get(key) {
      const sealed = await inner.get(key);
      if (sealed === undefined) return undefined;
      try {
        return box.open(sealed, aad(key));
      } catch {
        return undefined;
      }
    },
    set: (key, value, ttlMs) => inner.set(key, box.seal(value, aad(key)), ttlMs),
    setIfAbsent: (key, value, ttlMs) => inner.setIfAbsent(key, box.seal(value, aad(key)), ttlMs),
    delete: (key) => inner.delete(key),
  };
}
