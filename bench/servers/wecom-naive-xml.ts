/**
 * The handler of performance.md's table ("Koa + WeCom verify + decrypt + parse outer and inner XML, no
 * persistence"): fast-xml-parser on the outer envelope and on the decrypted message, the crypto module for the
 * signature and AES, an empty 200. No hardening beyond the parser's defaults with entities off, no normalization,
 * nothing persisted. For reference next to the production adapter's decode (strict scanners, fast path).
 */
import { createServer } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import Koa from 'koa';
import { WecomCrypto } from '../../src/crypto/wecom-crypto.js';

const spec = JSON.parse(process.env.BENCH_BOT ?? '{}') as { credentials: Record<string, string> };
const crypto = new WecomCrypto({ token: spec.credentials.token!, encodingAesKey: spec.credentials.encodingAesKey!, receiveId: spec.credentials.corpId! });
const parser = new XMLParser({ processEntities: false, parseTagValue: false, ignoreAttributes: true });
const WINDOW_SEC = 600;

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const q = ctx.query as Record<string, string>;
  try {
    const outer = parser.parse(Buffer.concat(chunks).toString('utf8')) as { xml?: { Encrypt?: string } };
    const encrypt = outer.xml?.Encrypt ?? '';
    if (Math.abs(Date.now() / 1000 - Number(q.timestamp)) > WINDOW_SEC) throw Object.assign(new Error('stale'), { status: 401 });
    const plain = crypto.verifyAndDecrypt(q.msg_signature ?? '', q.timestamp ?? '', q.nonce ?? '', encrypt);
    const inner = parser.parse(plain) as { xml?: { MsgId?: string } };
    if (!inner.xml?.MsgId) throw Object.assign(new Error('no MsgId'), { status: 400 });
    ctx.status = 200;
    ctx.type = 'text/plain';
    ctx.body = '';
  } catch (err) {
    ctx.status = (err as { status?: number }).status ?? 400;
    ctx.body = { error: { code: 'rejected' } };
  }
});
const server = createServer(app.callback()).listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
