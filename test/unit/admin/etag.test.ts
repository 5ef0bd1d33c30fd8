import { describe, expect, it } from 'vitest';
import { etagOf, expectedVersion, nextUpdatedAt, parseIfMatch } from '../../../src/admin/http/etag.js';

describe('ETags of admin resources', () => {
  const at = new Date('2026-03-01T10:00:00.123Z');

  it('round-trips a version through ETag and If-Match', () => {
    const parsed = parseIfMatch(etagOf(at));
    expect(parsed).toEqual({ kind: 'versions', updatedAt: [at] });
    expect(expectedVersion(parsed, at)).toEqual(at);
  });

  it('takes a list, `*` and no header; refuses weak, foreign or stale validators with 412', () => {
    expect(parseIfMatch(undefined)).toEqual({ kind: 'none' });
    expect(parseIfMatch(' * ')).toEqual({ kind: 'any' });
    expect(expectedVersion(parseIfMatch(`"zz", ${etagOf(at)}`), at)).toEqual(at);
    for (const header of ['W/"abc"', 'abc', '"not an etag!"']) expect(() => parseIfMatch(header), header).toThrow(expect.objectContaining({ status: 412 }));
    expect(() => expectedVersion(parseIfMatch(etagOf(new Date(at.getTime() - 1))), at)).toThrow(expect.objectContaining({ status: 412 }));
    expect(expectedVersion({ kind: 'none' }, at)).toBe(at);
  });

  it('always moves the version forward, even within one millisecond', () => {
    expect(nextUpdatedAt(at, at).getTime()).toBe(at.getTime() + 1);
    expect(nextUpdatedAt(at, new Date(at.getTime() - 5000)).getTime()).toBe(at.getTime() + 1);
    expect(nextUpdatedAt(at, new Date(at.getTime() + 5000)).getTime()).toBe(at.getTime() + 5000);
  });
});
