import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeWecomSignature,
  decodeBase64Strict,
  decodeEncodingAesKey,
  decryptWecomMedia,
  encryptWecomMedia,
  pkcs7Pad,
  pkcs7Unpad,
  WecomCrypto,
  WecomCryptoError,
  type WecomCryptoErrorCode,
} from '../../../src/crypto/wecom-crypto.js';
import { OFFICIAL_VECTOR as V } from '../../fakes/fake-wecom-callbacks.js';

const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wx5823bf96d3bd56c7';

function codeOf(fn: () => unknown): WecomCryptoErrorCode | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof WecomCryptoError) return err.code;
    throw err;
  }
}

function flipBit(buf: Buffer, bit: number): Buffer {
  const out = Buffer.from(buf);
  out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7));
  return out;
}

describe('WeCom crypto: official sample vector', () => {
  it('computes the published signature and decrypts the echostr to the published answer', () => {
    expect(computeWecomSignature(V.token, V.timestamp, V.nonce, V.echostr)).toBe(V.msgSignature);
    const crypto = new WecomCrypto({ token: V.token, encodingAesKey: V.encodingAesKey, receiveId: V.corpId });
    const plain = crypto.verifyAndDecrypt(V.msgSignature, V.timestamp, V.nonce, V.echostr);
    expect(plain).toBe(V.answer);
    expect(Buffer.from(plain)).toEqual(Buffer.from('1616140317555161061'));
  });

  it('rejects the sample for another receiver with receive_id_mismatch (-40005)', () => {
    const crypto = new WecomCrypto({ token: V.token, encodingAesKey: V.encodingAesKey, receiveId: 'wwother' });
    const err = (() => {
      try {
        crypto.decrypt(V.echostr);
      } catch (e) {
        return e as WecomCryptoError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WecomCryptoError);
    expect(err?.code).toBe('receive_id_mismatch');
    expect(err?.wecomCode).toBe(-40005);
    expect(err?.status).toBe(400);
  });

  it('maps a bad signature to 401, opaque, -40001', () => {
    const crypto = new WecomCrypto({ token: V.token, encodingAesKey: V.encodingAesKey, receiveId: V.corpId });
    try {
      crypto.verify('0'.repeat(40), V.timestamp, V.nonce, V.echostr);
      expect.unreachable();
    } catch (e) {
      const err = e as WecomCryptoError;
      expect(err.code).toBe('bad_signature');
      expect(err.status).toBe(401);
      expect(err.expose).toBe(false);
      expect(err.wecomCode).toBe(-40001);
    }
  });
});

describe('WeCom crypto: keys, base64, padding', () => {
  it('decodes a 43-character key to 32 bytes and rejects anything else as bad_aes_key', () => {
    expect(decodeEncodingAesKey(KEY)).toHaveLength(32);
    for (const bad of ['', KEY.slice(1), `${KEY}A`, `${KEY.slice(0, 42)}=`, `${KEY.slice(0, 42)}-`]) {
      expect(codeOf(() => decodeEncodingAesKey(bad))).toBe('bad_aes_key');
    }
    expect(() => new WecomCrypto({ token: 't', encodingAesKey: 'short', receiveId: '' })).toThrow(WecomCryptoError);
  });

  it('accepts only strict base64', () => {
    expect(decodeBase64Strict('AAAA')).toHaveLength(3);
    for (const bad of ['', 'AAA', 'AA=A', 'A===', 'AAAA\n', '****', 'AAAA AAAA']) {
      expect(codeOf(() => decodeBase64Strict(bad))).toBe('bad_base64');
    }
  });

  it('pads to 32-byte blocks with values 1..32 and checks every pad byte on the way back', () => {
    for (let n = 0; n <= 70; n++) {
      const data = randomBytes(n);
      const padded = pkcs7Pad(data);
      expect(padded.length % 32).toBe(0);
      const pad = padded[padded.length - 1]!;
      expect(pad).toBeGreaterThanOrEqual(1);
      expect(pad).toBeLessThanOrEqual(32);
      expect(pkcs7Unpad(padded)).toEqual(data);
    }
    const padded = pkcs7Pad(Buffer.from('abc'));
    padded[padded.length - 2] = 0; // inner pad byte wrong
    expect(codeOf(() => pkcs7Unpad(padded))).toBe('bad_padding');
    expect(codeOf(() => pkcs7Unpad(Buffer.concat([Buffer.alloc(31), Buffer.from([0])])))).toBe('bad_padding');
    expect(codeOf(() => pkcs7Unpad(Buffer.concat([Buffer.alloc(31), Buffer.from([33])])))).toBe('bad_padding');
  });

  it('reports each malformed ciphertext with its own code', () => {
    const crypto = new WecomCrypto({ token: 't', encodingAesKey: KEY, receiveId: CORP });
    expect(codeOf(() => crypto.decrypt('not base64!'))).toBe('bad_base64');
    expect(codeOf(() => crypto.decrypt(Buffer.alloc(20).toString('base64')))).toBe('bad_ciphertext');
    // Valid AES, garbage padding.
    expect(codeOf(() => crypto.decrypt(encryptRaw(KEY, Buffer.alloc(32, 0x41))))).toBe('bad_padding');
    // Valid padding, length field larger than the payload.
    const huge = Buffer.concat([Buffer.alloc(16), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.from(CORP)]);
    expect(codeOf(() => crypto.decrypt(encryptRaw(KEY, pkcs7Pad(huge))))).toBe('bad_length');
    // Shorter than the 20-byte header.
    expect(codeOf(() => crypto.decrypt(encryptRaw(KEY, pkcs7Pad(Buffer.alloc(10)))))).toBe('bad_length');
  });
});

/** Raw AES-256-CBC with the WeCom key/IV, no padding added: lets tests build malformed plaintexts. */
function encryptRaw(encodingAesKey: string, plain: Buffer): string {
  const key = decodeEncodingAesKey(encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

describe('WeCom crypto: round trips', () => {
  const receivers = ['', CORP];

  it('round-trips empty, non-ASCII, emoji and 20 KB messages for both receivers', () => {
    const samples = ['', 'a', '你好，世界', '👩‍👩‍👧‍👦 emoji 🚀', 'x'.repeat(20 * 1024), '汉'.repeat(7000), '\u0000\uffff'];
    for (const receiveId of receivers) {
      const crypto = new WecomCrypto({ token: 'tok', encodingAesKey: KEY, receiveId });
      for (const s of samples) {
        const enc = crypto.encrypt(s);
        expect(crypto.decrypt(enc)).toBe(s);
        const r = crypto.encryptReply(s, '1700000000', 'n0nce');
        expect(crypto.verifyAndDecrypt(r.signature, r.timestamp, r.nonce, r.encrypt)).toBe(s);
      }
    }
  });

  it('round-trips random unicode strings (property)', () => {
    const crypto = new WecomCrypto({ token: 'tok', encodingAesKey: KEY, receiveId: CORP });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        expect(crypto.decrypt(crypto.encrypt(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips media bytes (smart-bot file encryption)', () => {
    const key = decodeEncodingAesKey(KEY);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const data = Buffer.from(bytes);
        const enc = encryptWecomMedia(key, data);
        expect(enc.length % 32).toBe(0);
        expect(decryptWecomMedia(key, enc)).toEqual(data);
      }),
    );
  });
});

describe('WeCom crypto: a single flipped bit (properties)', () => {
  const messages = fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a));
  const receiveIds = fc.constantFrom('', CORP);

  it('any flipped bit in the signature is rejected as bad_signature', () => {
    const crypto = new WecomCrypto({ token: 'tok', encodingAesKey: KEY, receiveId: CORP });
    fc.assert(
      fc.property(messages, fc.nat(), (msg, bitSeed) => {
        const r = crypto.encryptReply(msg.toString('latin1'), '1700000000', '42');
        const sig = Buffer.from(r.signature, 'latin1');
        const flipped = flipBit(sig, bitSeed % (sig.length * 8)).toString('latin1');
        expect(codeOf(() => crypto.verifyAndDecrypt(flipped, r.timestamp, r.nonce, r.encrypt))).toBe('bad_signature');
      }),
      { numRuns: 500 },
    );
  });

  it('any flipped bit in the ciphertext is rejected as bad_signature on the verify-then-decrypt path', () => {
    fc.assert(
      fc.property(messages, receiveIds, fc.nat(), (msg, receiveId, bitSeed) => {
        const crypto = new WecomCrypto({ token: 'tok', encodingAesKey: KEY, receiveId });
        const r = crypto.encryptReply(msg.toString('latin1'), '1700000000', '42');
        const ct = Buffer.from(r.encrypt, 'base64');
        const tampered = flipBit(ct, bitSeed % (ct.length * 8)).toString('base64');
        expect(codeOf(() => crypto.verifyAndDecrypt(r.signature, r.timestamp, r.nonce, tampered))).toBe('bad_signature');
      }),
      { numRuns: 500 },
    );
  });

  /**
   * Without the signature, CBC gives no integrity. Flipping bit k of ciphertext block i turns plaintext block i
   * into garbage and flips bit k of plaintext block i+1. So:
   * - garbage in block 0 is the random prefix (benign): a flip in block 0 whose mirrored bit lands in the message
   *   bytes decrypts fine to the message with exactly that bit flipped;
   * - a mirrored bit landing in a checked field (length, receiveId, padding) must be rejected, and when the
   *   garbage block touches no checked field the error is exactly the one of that field;
   * - a garbage block lying wholly in checked fields must be rejected (it differs from the original somewhere);
   * - in every case the original message never comes back unchanged.
   */
  it('decrypt without signature: exactly the flips that touch checked fields fail, with the right error', () => {
    fc.assert(
      fc.property(messages, receiveIds, fc.nat(), (msg, receiveId, bitSeed) => {
        const crypto = new WecomCrypto({ token: 'tok', encodingAesKey: KEY, receiveId });
        const ct = Buffer.from(crypto.encrypt(msg), 'base64');
        const bit = bitSeed % (ct.length * 8);
        const j = bit >> 3;
        const block = j >> 4;
        const blocks = ct.length / 16;
        const msgEnd = 20 + msg.length;
        const ridEnd = msgEnd + Buffer.byteLength(receiveId);
        const total = ct.length;
        const isLength = (p: number) => p >= 16 && p < 20;
        const isChecked = (p: number) => isLength(p) || p >= msgEnd;
        const garbage = Array.from({ length: 16 }, (_, k) => block * 16 + k);
        const mirrored = block < blocks - 1 ? j + 16 : undefined;

        let result: Buffer | undefined;
        const code = codeOf(() => {
          result = crypto.decryptToBuffer(flipBit(ct, bit).toString('base64'));
        });

        // Never the original, unchanged.
        if (code === 'ok') expect(result!.equals(msg)).toBe(false);

        if (block === 0 && mirrored !== undefined && mirrored >= 20 && mirrored < msgEnd) {
          expect(code).toBe('ok');
          const expected = Buffer.from(msg);
          expected[mirrored - 20] = expected[mirrored - 20]! ^ (1 << (bit & 7));
          expect(result).toEqual(expected);
          return;
        }
        const mustFail = (mirrored !== undefined && isChecked(mirrored)) || garbage.every(isChecked);
        if (!mustFail) return;
        expect(code).not.toBe('ok');
        expect(['bad_padding', 'bad_length', 'receive_id_mismatch']).toContain(code);
        const garbageClean = !garbage.some(isChecked);
        if (garbageClean && mirrored !== undefined) {
          if (mirrored >= msgEnd && mirrored < ridEnd) expect(code).toBe('receive_id_mismatch');
          else if (mirrored >= ridEnd && mirrored < total - 1) expect(code).toBe('bad_padding');
          else if (isLength(mirrored)) expect(['bad_length', 'receive_id_mismatch']).toContain(code);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
