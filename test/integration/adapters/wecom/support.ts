import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore, type KeyValueStore } from '../../../../src/store/kv.js';

/** A logger whose lines are kept, to assert that no secret or token is ever logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** A memory KeyValueStore that records the keys and values written. */
export function recordingKv(): KeyValueStore & { writes: { key: string; value: string }[] } {
  const inner = createMemoryKeyValueStore();
  const writes: { key: string; value: string }[] = [];
  return {
    writes,
    get: (k) => inner.get(k),
    async set(k, v, ttl) {
      writes.push({ key: k, value: v });
      await inner.set(k, v, ttl);
    },
    async setIfAbsent(k, v, ttl) {
      const ok = await inner.setIfAbsent(k, v, ttl);
      if (ok) writes.push({ key: k, value: v });
      return ok;
    },
    delete: (k) => inner.delete(k),
  };
}
