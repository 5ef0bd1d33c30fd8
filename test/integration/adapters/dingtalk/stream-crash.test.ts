/**
 * Stream mode acks a robot message only after it is persisted: a process killed between receiving a message and
 * accepting it (or between accepting and acking) leaves the frame unacked, the gateway redelivers it to the next
 * connection, and the message is answered exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../../src/store/client.js';
import { FakeDify } from '../../../fakes/fake-dify.js';
import { startFakeDingtalk, type FakeDingtalk } from '../../../fakes/fake-dingtalk.js';
import { startFakeDingtalkStream, type FakeDingtalkStream } from '../../../fakes/fake-dingtalk-stream.js';
import { prepareTestEnv, waitFor } from '../../../support/runtime.js';
import { DT, message } from '../../../e2e-http/dingtalk-support.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const script = join(import.meta.dirname, 'stream-child.ts');

function spawnChild(mode: string, env: Record<string, string>): ChildProcess {
  // `node --import tsx` keeps the script in this child: the tsx CLI would run it in a grandchild that survives SIGKILL.
  return spawn(process.execPath, ['--import', 'tsx', script, mode], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitForLine(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "${prefix}" within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
    const check = () => {
      const line = out.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before "${prefix}"; stderr: ${err.slice(-2000)}`));
    });
  });
}

describe('DingTalk Stream: a crash before the ack loses nothing and answers once', () => {
  let dify: FakeDify;
  let dt: FakeDingtalk;
  let gw: FakeDingtalkStream;
  const cleanups: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 2 });
    dt = await startFakeDingtalk({ clientId: DT.clientId, clientSecret: DT.clientSecret });
    // Redelivery by time is far away: what brings the message back here is the dead connection.
    gw = await startFakeDingtalkStream({ clientId: DT.clientId, clientSecret: DT.clientSecret, keepaliveMs: 1_000, redeliverAfterMs: 120_000 });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await gw?.close();
    await dt?.close();
    await dify?.close();
    for (const c of cleanups) await c();
  });

  for (const [mode, line] of [
    ['hold-before', 'received'],
    ['hold-after', 'accepted'],
  ] as const) {
    it(`killed ${mode === 'hold-before' ? 'between receive and accept' : 'between accept and ack'}: redelivered, persisted once, answered once`, async () => {
      const { env, cleanup } = await prepareTestEnv({ database: 'sqlite' });
      cleanups.push(cleanup);
      const childEnv = { ...env, DT_API_BASE: dt.url, DT_GATEWAY: gw.url, DIFY_URL: dify.url, DIFY_KEY: dify.apiKey };
      const msgId = `msgCrash-${mode}`;
      const query = `crash test ${mode}`;
      const session = dt.sessionWebhook(`crash-${mode}`);

      const first = spawnChild(mode, childEnv);
      children.push(first);
      await waitForLine(first, 'connected', 60_000);
      const frameId = gw.push(message('robot-text-single', { msgId, text: { content: query }, sessionWebhook: session }));
      expect(await waitForLine(first, line, 20_000)).toBe(`${line} ${msgId}`);
      first.kill('SIGKILL');
      await once(first, 'exit');
      expect(gw.acksFor(frameId)).toHaveLength(0);

      const database = await createDatabase(env.DATABASE_URL!);
      try {
        expect(await database.db.message.count({ where: { platformMessageId: msgId } })).toBe(mode === 'hold-before' ? 0 : 1);
        const second = spawnChild('serve', childEnv);
        children.push(second);
        await waitForLine(second, 'connected', 60_000);
        await waitFor(async () => (await database.db.message.count({ where: { platformMessageId: msgId, status: 'replied' } })) === 1, 30_000, 'the message replied');
        await waitFor(() => gw.acksFor(frameId).length > 0, 10_000, 'the redelivered frame acked');
        await new Promise((r) => setTimeout(r, 500));
        expect(await database.db.message.count({ where: { platformMessageId: msgId } })).toBe(1);
        expect(gw.acksFor(frameId).filter((a) => a.code === 200)).toHaveLength(1);
        expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(1);
        expect(dt.sent.filter((s) => s.via === 'session' && s.session === `crash-${mode}`)).toHaveLength(1);
        second.kill('SIGTERM');
        await once(second, 'exit');
      } finally {
        await database.close();
      }
    }, 180_000);
  }
});
