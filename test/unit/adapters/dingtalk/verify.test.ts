import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTimestamp, readEventQuery, robotSign, verifyRobotSign } from '../../../../src/adapters/dingtalk/verify.js';

const SECRET = 'this-is-the-app-secret';
const NOW = 1_700_000_000_000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string; status?: number }).code + ':' + (err as { status?: number }).status;
  }
}

describe('robot HTTP callback sign', () => {
  it('is base64(HMAC-SHA256(appSecret, timestamp + "\\n" + appSecret)), computed independently here', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}\n${SECRET}`).digest('base64');
    expect(robotSign(String(NOW), SECRET)).toBe(expected);
  });

  const headers = (timestamp: number, sign = robotSign(String(timestamp), SECRET)) => ({ timestamp: String(timestamp), sign });

  it('accepts a correct header inside the window, both sides', () => {
    for (const ts of [NOW, NOW - 3_599_000, NOW + 3_599_000]) {
      expect(codeOf(() => verifyRobotSign({ headers: headers(ts), appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('ok');
    }
  });

  it('rejects a wrong secret, a stale and a future timestamp, opaquely (401)', () => {
    expect(codeOf(() => verifyRobotSign({ headers: headers(NOW, robotSign(String(NOW), 'other')), appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('bad_signature:401');
    expect(codeOf(() => verifyRobotSign({ headers: headers(NOW - 3_601_000), appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('stale_timestamp:401');
    expect(codeOf(() => verifyRobotSign({ headers: headers(NOW + 3_601_000), appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('future_timestamp:401');
  });

  it('a sign for another timestamp does not verify, and 0 turns only the window off', () => {
    const old = NOW - 86_400_000;
    expect(codeOf(() => verifyRobotSign({ headers: { timestamp: String(NOW), sign: robotSign(String(old), SECRET) }, appSecret: SECRET, nowMs: NOW, toleranceSec: 0 }))).toBe('bad_signature:401');
    expect(codeOf(() => verifyRobotSign({ headers: headers(old), appSecret: SECRET, nowMs: NOW, toleranceSec: 0 }))).toBe('ok');
  });

  it('fails closed: missing headers, repeated headers, no secret, junk timestamps', () => {
    expect(codeOf(() => verifyRobotSign({ headers: {}, appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('missing_signature:401');
    expect(codeOf(() => verifyRobotSign({ headers: { timestamp: [String(NOW), String(NOW)], sign: 'x' }, appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('repeated_header:401');
    expect(codeOf(() => verifyRobotSign({ headers: headers(NOW), appSecret: '', nowMs: NOW, toleranceSec: 3600 }))).toBe('no_secret:401');
    expect(codeOf(() => verifyRobotSign({ headers: { timestamp: '1e12', sign: 'x' }, appSecret: SECRET, nowMs: NOW, toleranceSec: 3600 }))).toBe('bad_timestamp:401');
  });

  it('reads 10-digit timestamps as seconds', () => {
    expect(codeOf(() => checkTimestamp(String(NOW / 1000), NOW, 60))).toBe('ok');
  });
});

describe('event callback query', () => {
  it('accepts both spellings DingTalk uses and requires all three values', () => {
    expect(readEventQuery({ msg_signature: 's', timestamp: '1', nonce: 'n' })).toEqual({ signature: 's', timestamp: '1', nonce: 'n' });
    expect(readEventQuery({ signature: 's', timeStamp: '1', nonce: 'n' })).toEqual({ signature: 's', timestamp: '1', nonce: 'n' });
    expect(codeOf(() => readEventQuery({ signature: 's', nonce: 'n' }))).toBe('missing_signature_params:400');
  });
});
