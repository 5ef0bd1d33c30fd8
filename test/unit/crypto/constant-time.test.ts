import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../src/crypto/constant-time.js';

describe('constantTimeEqual', () => {
  it('is true exactly for equal inputs (strings and buffers)', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('é', Buffer.from('é'))).toBe(true);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
      }),
    );
  });

  it('never throws on length mismatch (timingSafeEqual would)', () => {
    expect(() => constantTimeEqual(Buffer.alloc(3), Buffer.alloc(300))).not.toThrow();
  });
});
