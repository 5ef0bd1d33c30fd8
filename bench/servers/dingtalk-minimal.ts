/**
 * The minimal non-durable peer the DingTalk issue names: a bare Koa route that checks the robot callback's sign
 * (HMAC-SHA256, window, constant-time compare) and parses the JSON body, then answers 200. Nothing is normalized,
 * persisted or queued. The secret comes from BENCH_BOT (JSON: {credentials: {clientSecret}}).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Koa from 'koa';

const spec = JSON.parse(process.env.BENCH_BOT ?? '{}') as { credentials: { clientSecret: string } };
const secret = spec.credentials.clientSecret;
let parsed = 0;

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const timestamp = String(ctx.get('timestamp'));
  const sign = Buffer.from(String(ctx.get('sign')));
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
  if (Math.abs(Date.now() - Number(timestamp)) > 3_600_000 || sign.length !== expected.length || !timingSafeEqual(sign, expected)) {
    ctx.status = 401;
    return;
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { msgId?: string };
  if (body.msgId) parsed += 1;
  ctx.status = 200;
  ctx.body = {};
});
const server = createServer(app.callback()).listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => {
  console.error(`dingtalk-minimal: ${parsed} callbacks parsed (not persisted)`);
  server.close(() => process.exit(0));
});
