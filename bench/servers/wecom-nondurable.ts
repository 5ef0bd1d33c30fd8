/**
 * The non-durable peer: a bare Koa route running the production WeCom adapter's `ingest` (verify + decrypt + parse
 * + normalize) on each callback and answering its ack. Nothing is persisted or queued. The bot comes from BENCH_BOT
 * (JSON: {id, platform, mode, credentials, settings?}).
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import type { BotRuntime } from '../../src/adapters/types.js';
import { createWecomAdapter } from '../../src/adapters/wecom/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../src/store/kv.js';

const spec = JSON.parse(process.env.BENCH_BOT ?? '{}') as { id: string; mode: string; credentials: Record<string, string>; settings?: Record<string, unknown> };
const bot: BotRuntime = {
  id: spec.id,
  tenantId: 'bench-tenant',
  name: 'bench-bot',
  platform: 'wecom',
  mode: spec.mode,
  credentials: spec.credentials,
  settings: spec.settings ?? {},
  enabled: true,
  workflowId: null,
};
const adapter = createWecomAdapter({ logger: silentLogger, kv: createMemoryKeyValueStore() });
const MAX_BODY = 1024 * 1024;
let accepted = 0;

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) ctx.throw(413);
    chunks.push(chunk as Buffer);
  }
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(ctx.querystring)) if (!(k in query)) query[k] = v;
  try {
    const result = await adapter.ingest({ method: ctx.method, subPath: '', query, headers: {}, rawBody: Buffer.concat(chunks, size), receivedAt: Date.now() }, bot);
    const answer = result.kind === 'answer' ? result : result.ack;
    if (result.kind === 'messages') accepted += result.messages.length;
    ctx.status = answer.status;
    if (answer.contentType) ctx.type = answer.contentType;
    ctx.body = answer.body;
  } catch (err) {
    ctx.status = (err as { status?: number }).status ?? 500;
    ctx.body = { error: { code: (err as { code?: string }).code ?? 'error' } };
  }
});
const server = createServer(app.callback()).listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => {
  console.error(`wecom-nondurable: ${accepted} messages accepted (not persisted)`);
  server.close(() => process.exit(0));
});
