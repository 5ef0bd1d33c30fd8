/**
 * The workflow issue's "Done means", end to end: 500 signed Slack DMs (50 channels × 10) through the real route →
 * inbox → queue → processor → real Dify client → fake Dify answering a scripted storm (half the calls 429 with a
 * small Retry-After, a fifth 500) → fake Slack. Every message ends `replied` or, once the retry budget is spent,
 * `failed` with its reason on the row and the fallback text sent; none lost, none run twice after success, one
 * delivery each, in conversation order.
 *
 * The storm is deterministic (each call's fate is a hash of its query and per-query call number) and the budget is
 * small and fixed (JOB_ATTEMPTS tries in all, CLIENT_ATTEMPTS of them per processing attempt), so the test predicts
 * every message's outcome, its number of Dify calls and job attempts, and its failure code, and checks them one by
 * one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify, stableHash, type ScriptStep } from '../fakes/fake-dify.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { signSlackRequest } from '../fakes/fake-slack-signing.js';
import { slackFixtureJson } from '../fixtures/slack/index.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { waitFor, type TestRuntimeOptions } from '../support/runtime.js';
import { describeWithPostgres, describeWithRedis, TEST_PG_URL, TEST_REDIS_URL } from '../support/services.js';

const SIGNING_SECRET = 'storm0signing0secret00000000000a';
const CHANNELS = 50;
const PER_CHANNEL = 10;
const TOTAL = CHANNELS * PER_CHANNEL;
/** Attempts of one workflow call (inside the client), and the message's budget: tries in all (JOB_ATTEMPTS). */
const CLIENT_ATTEMPTS = 2;
const CALL_BUDGET = 6;
const JOB_ATTEMPTS = CALL_BUDGET / CLIENT_ATTEMPTS;
const FALLBACK = 'Storm fallback: the assistant is busy, please try again later.';

const yaml = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
        settings:
          retry: { attempts: ${CLIENT_ATTEMPTS}, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 }
          # Above the worker concurrency: no run waits for a slot or is refused as overloaded.
          concurrency: 64
          maxWaiting: 1000
          # Out of reach for this storm: every attempt really reaches Dify, which keeps the outcome predictable.
          breaker: { failureThreshold: 1000, cooldownMs: 50 }
          fallbackText: '${FALLBACK}'
    bots:
      - name: slack
        id: storm-slack
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING_SECRET}
          botUserId: U0BOT
          botId: B0BOT
        settings:
          streaming: false
`;

/** Each call's fate, from its query and per-query call number: 5/10 → 429 (Retry-After 10–50 ms), 2/10 → 500, 3/10 → answer. */
function stormStep(req: { key: string; callNumber: number }): ScriptStep | undefined {
  const bucket = stableHash(`${req.key}#${req.callNumber}`) % 10;
  if (bucket < 5) return { status: 429, retryAfter: ((bucket + 1) * 0.01).toFixed(2) };
  if (bucket < 7) return { status: 500 };
  return undefined;
}

interface Prediction {
  outcome: 'replied' | 'failed';
  /** Dify run calls this message makes. */
  calls: number;
  /** Job attempts (one Run row each). */
  jobAttempts: number;
  /** Failed: the code of the last error. */
  errorCode?: string;
}

function predict(query: string): Prediction {
  for (let n = 1; n <= CALL_BUDGET; n++) {
    if (!stormStep({ key: query, callNumber: n })) return { outcome: 'replied', calls: n, jobAttempts: Math.ceil(n / CLIENT_ATTEMPTS) };
  }
  const last = stormStep({ key: query, callNumber: CALL_BUDGET })!;
  return { outcome: 'failed', calls: CALL_BUDGET, jobAttempts: JOB_ATTEMPTS, errorCode: last.status === 429 ? 'workflow_rate_limited' : 'workflow_upstream_failed' };
}

interface Msg {
  channel: string;
  seq: number;
  ts: string;
  query: string;
  body: string;
}

function messages(): Msg[] {
  const out: Msg[] = [];
  const template = slackFixtureJson<{ event: Record<string, unknown>; event_id: string }>('dm');
  for (let seq = 0; seq < PER_CHANNEL; seq++) {
    for (let c = 0; c < CHANNELS; c++) {
      const channel = `D0STORM${String(c).padStart(2, '0')}`;
      const ts = `17000${String(seq).padStart(2, '0')}${String(c).padStart(3, '0')}.000100`;
      const query = `storm c${c} m${seq}`;
      const event: Record<string, unknown> = { ...template.event, channel, ts, event_ts: ts, text: query, user: `U0U${c}`, client_msg_id: `storm-${c}-${seq}` };
      delete event.blocks;
      out.push({ channel, seq, ts, query, body: JSON.stringify({ ...template, event, event_id: `EvStorm${c}x${seq}` }) });
    }
  }
  return out;
}

function stormSuite(setup: () => Pick<TestRuntimeOptions, 'database' | 'redisUrl'>) {
  let dify: FakeDify;
  let slack: FakeSlack;
  let e2e: E2E;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 2 });
    dify.script(stormStep);
    slack = await FakeSlack.start();
    const { database, redisUrl } = setup();
    e2e = await startE2E({
      yaml,
      secrets: { DIFY_URL: dify.url, DIFY_KEY: dify.apiKey, SLACK_BOT_TOKEN: 'xoxb-fake-bot-token', SLACK_SIGNING_SECRET: SIGNING_SECRET },
      env: {
        SLACK_API_URL: slack.apiUrl,
        JOB_ATTEMPTS: String(CALL_BUDGET),
        JOB_BACKOFF_MS: '20',
        JOB_MAX_BACKOFF_MS: '100',
        WORKER_CONCURRENCY: '32',
      },
      database,
      redisUrl,
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await slack?.close();
    await dify?.close();
  });

  it(`${TOTAL} DMs under a 429/500 storm: each replied, or failed with its reason and the fallback sent; nothing lost, nothing run twice`, async () => {
    const started = Date.now();
    const all = messages();
    const ackMs: number[] = [];
    // Arrival order within each channel is its message order: one wave per position, 50 channels at once.
    for (let seq = 0; seq < PER_CHANNEL; seq++) {
      const wave = all.filter((m) => m.seq === seq);
      const statuses = await Promise.all(
        wave.map(async (m) => {
          const sent = performance.now();
          const res = await e2e.post('/hooks/slack/storm-slack', m.body, { 'content-type': 'application/json', ...signSlackRequest(m.body, { signingSecret: SIGNING_SECRET }) });
          ackMs.push(performance.now() - sent);
          return res.status;
        }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    const accepted = Date.now() - started;
    ackMs.sort((a, b) => a - b);
    const ackP50 = Math.round(ackMs[Math.floor(ackMs.length / 2)]!);
    const ackMax = Math.round(ackMs[ackMs.length - 1]!);

    const db = e2e.t.runtime.database.db;
    await waitFor(async () => (await db.message.count({ where: { status: { in: ['replied', 'failed'] } } })) === TOTAL, 90_000, `all ${TOTAL} messages to finish`);
    const finished = Date.now() - started;
    // Settle: nothing more may happen after every message is final (late retries, duplicate sends).
    await new Promise((r) => setTimeout(r, 500));

    const rows = await db.message.findMany({ select: { id: true, platformMessageId: true, status: true, errorCode: true, lastError: true } });
    expect(rows).toHaveLength(TOTAL);
    const byPlatformId = new Map(rows.map((r) => [r.platformMessageId, r]));
    const deliveries = await db.delivery.findMany({ select: { messageId: true, kind: true, status: true } });
    const runs = await db.run.findMany({ select: { messageId: true, status: true, attempt: true } });
    const posts = slack.callsTo('chat.postMessage');
    const runRequests = dify.runRequests();
    const callsPer = new Map<string, number>();
    for (const r of runRequests) callsPer.set(r.key, (callsPer.get(r.key) ?? 0) + 1);

    let replied = 0;
    let failed = 0;
    let repliedAfterRetry = 0;
    let repliedAfterJobRetry = 0;
    const failureCodes = new Map<string, number>();
    for (const m of all) {
      const p = predict(m.query);
      const row = byPlatformId.get(`${m.channel}:${m.ts}`);
      expect(row, m.query).toBeDefined();
      const label = `${m.query} (predicted ${p.outcome} after ${p.calls} calls)`;
      expect(row!.status, label).toBe(p.outcome);
      expect(callsPer.get(m.query) ?? 0, label).toBe(p.calls);
      const mine = deliveries.filter((d) => d.messageId === row!.id);
      const myRuns = runs.filter((r) => r.messageId === row!.id);
      expect(myRuns.map((r) => r.attempt).sort(), label).toEqual(Array.from({ length: p.jobAttempts }, (_, i) => i + 1));
      if (p.outcome === 'replied') {
        replied++;
        if (p.calls > 1) repliedAfterRetry++;
        if (p.jobAttempts > 1) repliedAfterJobRetry++;
        expect(dify.answeredCount(m.query), label).toBe(1);
        expect(mine, label).toEqual([{ messageId: row!.id, kind: 'reply', status: 'sent' }]);
        expect(myRuns.filter((r) => r.status === 'succeeded'), label).toHaveLength(1);
        expect(row!.errorCode, label).toBeNull();
      } else {
        failed++;
        expect(dify.answeredCount(m.query), label).toBe(0);
        expect(mine, label).toEqual([{ messageId: row!.id, kind: 'fallback', status: 'sent' }]);
        expect(myRuns.every((r) => r.status === 'failed'), label).toBe(true);
        // The reason is on the row: the code of the last failure and its message.
        expect(row!.errorCode, label).toBe(p.errorCode);
        expect(row!.lastError, label).toMatch(p.errorCode === 'workflow_rate_limited' ? /rate limited/ : /failed \(500/);
        failureCodes.set(row!.errorCode!, (failureCodes.get(row!.errorCode!) ?? 0) + 1);
      }
    }
    for (const m of all) expect(dify.answeredCount(m.query)).toBeLessThanOrEqual(1);

    // One Slack post per message, in each channel in arrival order: the answer or the fallback text.
    expect(deliveries).toHaveLength(TOTAL);
    expect(posts).toHaveLength(TOTAL);
    for (let c = 0; c < CHANNELS; c++) {
      const channel = `D0STORM${String(c).padStart(2, '0')}`;
      const expected = all.filter((m) => m.channel === channel).map((m) => (predict(m.query).outcome === 'replied' ? `Echo: ${m.query}` : FALLBACK));
      const shown = posts.filter((p) => p.args.channel === channel).map((p) => String(p.args.text));
      expect(shown, channel).toEqual(expected);
    }

    // The storm really happened, at the scripted rates.
    const fates = runRequests.map((r) => stormStep(r));
    const rateLimited = fates.filter((f) => f?.status === 429).length;
    const serverErrors = fates.filter((f) => f?.status === 500).length;
    expect(rateLimited / runRequests.length).toBeGreaterThan(0.4);
    expect(rateLimited / runRequests.length).toBeLessThan(0.6);
    expect(serverErrors / runRequests.length).toBeGreaterThan(0.12);
    expect(serverErrors / runRequests.length).toBeLessThan(0.28);
    expect(runRequests.filter((r) => r.outcome === 'error')).toHaveLength(rateLimited + serverErrors);
    expect(repliedAfterRetry).toBeGreaterThan(0);
    expect(repliedAfterJobRetry).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    expect(failureCodes.get('workflow_rate_limited') ?? 0).toBeGreaterThan(0);
    expect(failureCodes.get('workflow_upstream_failed') ?? 0).toBeGreaterThan(0);
    expect(replied + failed).toBe(TOTAL);

    console.info(
      `storm (${e2e.t.runtime.queue.driver}, ${e2e.t.runtime.database.provider}): accepted ${TOTAL} in ${accepted} ms (ack p50 ${ackP50} ms, max ${ackMax} ms), all final after ${finished} ms; ` +
        `${replied} replied (${repliedAfterRetry} after retries, ${repliedAfterJobRetry} after a job retry), ${failed} failed ${JSON.stringify(Object.fromEntries(failureCodes))}; ` +
        `${runRequests.length} Dify calls (${rateLimited} × 429, ${serverErrors} × 500)`,
    );
  }, 150_000);
}

describe('storm end to end: inline queue on SQLite', () => stormSuite(() => ({ database: 'sqlite' })));

describeWithRedis('storm end to end: BullMQ on Redis', () => {
  describeWithPostgres('with PostgreSQL', () => stormSuite(() => ({ database: { pgUrl: TEST_PG_URL! }, redisUrl: TEST_REDIS_URL })));
});
