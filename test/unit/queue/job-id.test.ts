import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJobId, encodeJobId } from '../../../src/queue/job-id.js';

/** The checks BullMQ 6 applies to custom job ids (Job.validateOptions, Queue.addJob). */
function bullmqAccepts(id: string): boolean {
  if (`${parseInt(id, 10)}` === id) return false;
  if (id.includes(':')) return false;
  return id !== '0' && !id.startsWith('0:');
}

describe('job ids', () => {
  it('round-trips any message id, into an id BullMQ accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (messageId) => {
        const jobId = encodeJobId(messageId);
        expect(bullmqAccepts(jobId)).toBe(true);
        expect(decodeJobId(jobId)).toBe(messageId);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips ids made of the escaped characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[%:3A25a]*$/), (messageId) => {
        expect(decodeJobId(encodeJobId(messageId))).toBe(messageId);
      }),
    );
  });

  it('is injective', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(encodeJobId(a)).not.toBe(encodeJobId(b));
      }),
    );
  });

  it('keeps common ids readable', () => {
    expect(encodeJobId('0190c2e4-7b1a-7c3d-8e9f-0123456789ab')).toBe('m_0190c2e4-7b1a-7c3d-8e9f-0123456789ab');
    expect(encodeJobId('12345')).toBe('m_12345');
    expect(encodeJobId('wx:1%')).toBe('m_wx%3A1%25');
  });

  it('rejects ids it did not make', () => {
    expect(() => decodeJobId('12345')).toThrow(/not a message job id/);
  });
});
