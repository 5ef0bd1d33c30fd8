import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DingtalkCrypto, DingtalkCryptoError, dingtalkNonce } from '../../../src/crypto/dingtalk-crypto.js';
import { computeWecomSignature, WecomCrypto, WecomCryptoError } from '../../../src/crypto/wecom-crypto.js';

const V = JSON.parse(readFileSync(new URL('../../fixtures/dingtalk/official-check-url.json', import.meta.url), 'utf8')) as Record<string, string>;

function failure(fn: () => unknown): DingtalkCryptoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DingtalkCryptoError) return err;
    throw err;
  }
  throw new Error('expected a DingtalkCryptoError');
}

describe('DingTalk callback crypto (the shared WeCom/DingTalk implementation with DingTalk parameters)', () => {
  const crypto = new DingtalkCrypto({ token: V.token!, encodingAesKey: V.encodingAesKey!, ownerKey: V.ownerKey! });

  it('verifies and decrypts the public check_url sample', () => {
    expect(computeWecomSignature(V.token!, V.timeStamp!, V.nonce!, V.encrypt!)).toBe(V.msgSignature);
    expect(crypto.verifyAndDecrypt(V.msgSignature!, V.timeStamp!, V.nonce!, V.encrypt!)).toBe(V.plaintext);
  });

  it('the WeCom class decrypts the same sample: one algorithm, different parameters', () => {
    const wecom = new WecomCrypto({ token: V.token!, encodingAesKey: V.encodingAesKey!, receiveId: V.ownerKey! });
    expect(wecom.verifyAndDecrypt(V.msgSignature!, V.timeStamp!, V.nonce!, V.encrypt!)).toBe(V.plaintext);
  });

  it('fails with DingTalk library codes, not WeCom ones', () => {
    const bad = failure(() => crypto.verify('0'.repeat(40), V.timeStamp!, V.nonce!, V.encrypt!));
    expect(bad).not.toBeInstanceOf(WecomCryptoError);
    expect([bad.code, bad.libraryCode, bad.status, bad.expose]).toEqual(['bad_signature', 900005, 401, false]);
    const other = new DingtalkCrypto({ token: V.token!, encodingAesKey: V.encodingAesKey!, ownerKey: 'dingother' });
    expect([failure(() => other.decrypt(V.encrypt!)).code, failure(() => other.decrypt(V.encrypt!)).libraryCode]).toEqual(['receive_id_mismatch', 900010]);
    expect(failure(() => new DingtalkCrypto({ token: 't', encodingAesKey: 'short', ownerKey: '' })).libraryCode).toBe(900004);
  });

  it('builds the encrypted answer {msg_signature, timeStamp (ms), nonce (16 chars), encrypt} that decrypts to success', () => {
    const answer = crypto.encryptedAnswer('success', 1_700_000_000_123);
    expect(Object.keys(answer).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
    expect(answer.timeStamp).toBe('1700000000123');
    expect(answer.nonce).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(crypto.verifyAndDecrypt(answer.msg_signature, answer.timeStamp, answer.nonce, answer.encrypt)).toBe('success');
    expect(dingtalkNonce()).not.toBe(dingtalkNonce());
  });

  it('round-trips non-ASCII by bytes (the official Python sample pads by characters and breaks here)', () => {
    const text = JSON.stringify({ EventType: 'chat_update_title', title: '研发群 🚀', padding: 'é'.repeat(31) });
    expect(crypto.decrypt(crypto.encrypt(text))).toBe(text);
  });
});
