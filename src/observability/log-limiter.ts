import { LRUCache } from 'lru-cache';

export interface LogLimiter {
  /**
   * Whether a line under `key` may be written now; `suppressed` counts the lines held back under that key since the
   * last one written, so the next line can say how many were dropped.
   */
  take(key: string): { allowed: boolean; suppressed: number };
}

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

/**
 * At most `perWindow` lines per key per `windowMs`: a flood of forged callbacks must not fill the disk, yet the first
 * lines of each kind are always written. Keys are bounded (lru-cache), so hostile keys cannot grow memory.
 */
export function createLogLimiter(opts: { perWindow?: number; windowMs?: number; maxKeys?: number; clock?: () => number } = {}): LogLimiter {
  const perWindow = opts.perWindow ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const clock = opts.clock ?? Date.now;
  const windows = new LRUCache<string, Window>({ max: opts.maxKeys ?? 1000 });
  return {
    take(key) {
      const now = clock();
      let w = windows.get(key);
      if (!w || now - w.startedAt >= windowMs) {
        const suppressed = w?.suppressed ?? 0;
        w = { startedAt: now, written: 1, suppressed: 0 };
        windows.set(key, w);
        return { allowed: true, suppressed };
      }
      if (w.written < perWindow) {
        w.written += 1;
        const suppressed = w.suppressed;
        w.suppressed = 0;
        return { allowed: true, suppressed };
      }
      w.suppressed += 1;
      return { allowed: false, suppressed: w.suppressed };
    },
  };
}
