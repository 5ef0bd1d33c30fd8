import { describe, expect, it } from 'vitest';
import { idFloorAt, newId } from '../../../src/store/ids.js';

describe('newId', () => {
  it('makes UUIDv7 strings that strictly increase and never repeat, also within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const ms = parseInt(newId().replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });
});

describe('idFloorAt', () => {
  it('sorts before every id made at or after that time and after every id made before it', () => {
    const t = Date.now();
    const floor = idFloorAt(t);
    expect(newId() >= floor).toBe(true);
    expect(idFloorAt(t + 1) > floor).toBe(true);
    expect(idFloorAt(t - 1) < floor).toBe(true);
    expect(floor).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-0000-0000-000000000000$/);
  });
});
