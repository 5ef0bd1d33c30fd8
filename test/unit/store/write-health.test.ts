import { describe, expect, it } from 'vitest';
import { WriteHealth } from '../../../src/store/write-health.js';

describe('WriteHealth', () => {
  it('reports a storage failure until a write succeeds', () => {
    const health = new WriteHealth();
    expect(health.failing()).toBeUndefined();
    health.failed('SQLITE_FULL');
    expect(health.failing()).toBe('SQLITE_FULL');
    health.failed('SQLITE_IOERR_WRITE');
    expect(health.failing()).toBe('SQLITE_IOERR_WRITE');
    health.succeeded();
    expect(health.failing()).toBeUndefined();
  });

  it('ignores failures that are not about storage (a busy lock, a constraint)', () => {
    const health = new WriteHealth();
    for (const code of ['SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE', 'DEADLINE', undefined]) health.failed(code);
    expect(health.failing()).toBeUndefined();
  });

  it('forgets a failure no later write confirmed or cleared, after its memory', () => {
    let now = 0;
    const health = new WriteHealth(30_000, () => now);
    health.failed('SQLITE_FULL');
    now = 30_000;
    expect(health.failing()).toBe('SQLITE_FULL');
    now = 30_001;
    expect(health.failing()).toBeUndefined();
  });
});
