/**
 * SIGTERM to a real `switchboard start` holding a stalled client connection and a running job (a Dify run that has
 * not answered): the process exits 0 within its configured graces, the message is not failed, and the next start
 * answers it exactly once.
 */
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/store/client.js';
import { FakeDify } from '../../fakes/fake-dify.js';
import { FakeSlack } from '../../fakes/fake-slack.js';
import { prepareTestEnv, waitFor } from '../../support/runtime.js';
import { signedHeaders, slackDm, SLACK_BOT, yaml, yamlSecrets } from '../server/helpers.js';
import { exitWithin, killAll, listeningUrl, spawnCli } from './processes.js';

const REQUEST_GRACE_MS = 500;
const JOB_GRACE_MS = 1000;

describe('graceful shutdown of switchboard start', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(() => killAll());
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('exits 0 within the graces despite a stalled connection and a running job; the message is answered once after restart', async () => {
    const dify = await FakeDify.start({ mode: 'chat' });
    const slack = await FakeSlack.start();
    cleanups.push(() => dify.close(), () => slack.close());
    // The first run never answers: only the shutdown's abort can end it.
    dify.script((req) => (req.callNumber === 1 ? { hang: 'before_headers' } : undefined));

    const { env: base, cleanup } = await prepareTestEnv({ database: 'sqlite' });
    cleanups.push(cleanup);
    const configFile = join(base.SWITCHBOARD_DATA_DIR!, 'switchboard.yaml');
    writeFileSync(configFile, yaml);
    const env = {
      ...base,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      SWITCHBOARD_CONFIG: configFile,
      SLACK_API_URL: slack.apiUrl,
      SHUTDOWN_REQUEST_GRACE_MS: String(REQUEST_GRACE_MS),
      SHUTDOWN_TIMEOUT_MS: String(JOB_GRACE_MS),
      // The config file's secret references, resolved from the environment as in production.
      ...yamlSecrets(dify),
    };

    const first = spawnCli(['start'], env);
    const url = await listeningUrl(first, 60_000);
    const body = slackDm({ channel: 'D0TERM', ts: '1700009100.000100', text: 'answer me once' });
    const hook = `${url}/hooks/slack/${SLACK_BOT}`;
    expect((await fetch(hook, { method: 'POST', body, headers: signedHeaders(body) })).status).toBe(200);
    await waitFor(() => dify.runRequests().length === 1, 15_000, 'the Dify run to start');

    // A client that sent half a body and went quiet.
    const { port } = new URL(url);
    const held = net.connect({ host: '127.0.0.1', port: Number(port) });
    held.on('error', () => undefined);
    const heldClosed = new Promise<void>((resolve) => held.once('close', () => resolve()));
    await new Promise<void>((resolve) => held.once('connect', () => resolve()));
    held.write(`POST /hooks/slack/${SLACK_BOT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"type":`);
    await new Promise((r) => setTimeout(r, 200));

    first.process.kill('SIGTERM');
    const exit = await exitWithin(first, 20_000);
    expect(exit, first.stderr).toMatchObject({ code: 0, signal: null });
    // Request grace + job grace, then the abort is immediate (the rest is closing; margin for a loaded machine).
    expect(exit.afterMs).toBeLessThan(REQUEST_GRACE_MS + JOB_GRACE_MS + 5000);
    await heldClosed;

    const database = await createDatabase(base.DATABASE_URL!);
    cleanups.push(() => database.close());
    const message = await database.db.message.findFirstOrThrow({ where: { text: 'answer me once' } });
    expect(message.status).toBe('queued');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

    const second = spawnCli(['start'], env);
    await listeningUrl(second, 60_000);
    await waitFor(async () => (await database.db.message.findUniqueOrThrow({ where: { id: message.id } })).status === 'replied', 20_000, 'the message to be replied after the restart');
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0TERM');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.args.text)).toContain('Echo: answer me once');
    expect(dify.answeredCount('answer me once')).toBe(1);

    second.process.kill('SIGTERM');
    expect(await exitWithin(second, 20_000)).toMatchObject({ code: 0, signal: null });
  }, 120_000);
});
