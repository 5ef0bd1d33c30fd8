import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets (signatures, tokens) without leaking where they differ.
 *
 * Equal-length inputs go through `timingSafeEqual`. Inputs of different lengths are never equal, but we still
 * do the same amount of work (compare digests) so the answer time does not depend on the position of the first
 * difference; only the length mismatch itself may be observable, which reveals nothing about the secret value.
 * Reusable by every platform (WeCom, DingTalk, Slack).
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (left.length !== right.length) {
    // Burn comparable time, then answer false.
    const dl = createHash('sha256').update(left).digest();
    const dr = createHash('sha256').update(right).digest();
    timingSafeEqual(dl, dr);
    return false;
  }
  return timingSafeEqual(left, right);
}
