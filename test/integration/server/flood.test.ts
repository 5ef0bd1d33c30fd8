/**
 * A bounded flood of bad input (3,000 requests of many kinds, 50 at a time) against the real HTTP server with a real
 * Slack bot: every request gets its documented answer, none a 5xx; afterwards the server is healthy and ready, a
 * valid signed DM is still processed, memory has not ballooned and the bad requests stored no message.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../fakes/fake-slack-signing.js';
import { waitFor } from '../../support/runtime.js';
import { expectErrorBody, expectNoLeak, LIMIT, rawRequest, signedHeaders, SIGNING_SECRET, slackDm, SLACK_BOT, startServerSuite, WECOM_BOT, type RawRequestOptions, type ServerSuite } from './helpers.js';

const TOTAL = 3_000;
const CONCURRENCY = 50;

interface Kind {
  name: string;
  request(i: number): RawRequestOptions;
  /** Expected status, and error code when the answer is an error. */
  status: number;
  code?: string;
  /** The request reaches the adapter (counted by the ingress metric). */
  reachesAdapter?: boolean;
}

const slackPath = `/hooks/slack/${SLACK_BOT}`;
const dm = (i: number) => slackDm({ channel: `D0F${i % 97}`, ts: `1700001${String(i).padStart(3, '0')}.000100`, text: `flood ${i}` });

const KINDS: Kind[] = [
  { name: 'unknown platform', status: 404, code: 'unknown_platform', request: (i) => ({ path: `/hooks/nope${i % 7}/x`, headers: { 'content-type': 'application/json' }, body: '{}' }) },
  { name: 'unknown bot', status: 404, code: 'unknown_bot', request: (i) => ({ path: `/hooks/slack/ghost-${i}`, headers: signedHeaders(dm(i)), body: dm(i) }) },
  { name: 'wecom bot under slack', status: 404, code: 'unknown_bot', request: (i) => ({ path: `/hooks/slack/${WECOM_BOT}`, headers: signedHeaders(dm(i)), body: dm(i) }) },
  { name: 'slack bot under wecom', status: 404, code: 'unknown_bot', request: () => ({ path: `/hooks/wecom/${SLACK_BOT}?msg_signature=a&timestamp=1&nonce=2`, headers: { 'content-type': 'text/xml' }, body: '<xml><Encrypt>x</Encrypt></xml>' }) },
  {
    name: 'tampered signature',
    status: 401,
    reachesAdapter: true,
    request: (i) => ({ path: slackPath, headers: signedHeaders(dm(i)), body: dm(i).replace('flood', 'FLOOD') }),
  },
  {
    name: 'stale timestamp',
    status: 401,
    reachesAdapter: true,
    request: (i) => ({ path: slackPath, headers: { 'content-type': 'application/json', ...signSlackRequest(dm(i), { signingSecret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 900 }) }, body: dm(i) }),
  },
  { name: 'no signature', status: 401, reachesAdapter: true, request: (i) => ({ path: slackPath, headers: { 'content-type': 'application/json' }, body: dm(i) }) },
  { name: 'signed malformed JSON', status: 400, code: 'slack_bad_json', reachesAdapter: true, request: (i) => ({ path: slackPath, headers: signedHeaders(`{"type":"event_callback","n":${i},`), body: `{"type":"event_callback","n":${i},` }) },
  { name: 'signed JSON array', status: 400, code: 'slack_bad_json', reachesAdapter: true, request: (i) => ({ path: slackPath, headers: signedHeaders(`[${i}]`), body: `[${i}]` }) },
  { name: 'signed event without an event', status: 400, code: 'slack_bad_event', reachesAdapter: true, request: () => ({ path: slackPath, headers: signedHeaders('{"type":"event_callback","event":7}'), body: '{"type":"event_callback","event":7}' }) },
  {
    name: 'signed wrong content type',
    status: 415,
    code: 'slack_bad_content_type',
    reachesAdapter: true,
    request: (i) => ({ path: slackPath, headers: signedHeaders(dm(i), 'application/xml'), body: dm(i) }),
  },
  {
    name: 'oversized, declared',
    status: 413,
    code: 'payload_too_large',
    request: () => ({ path: slackPath, headers: { 'content-type': 'application/json', 'content-length': 10 * LIMIT } }),
  },
  {
    name: 'oversized, chunked',
    status: 413,
    code: 'payload_too_large',
    request: () => ({ path: slackPath, headers: signedHeaders('x'), stream: { chunk: Buffer.alloc(4096, 0x20), total: 4 * LIMIT } }),
  },
  { name: 'console traversal', status: 200, request: () => ({ method: 'GET', path: '/admin/..%2f..%2fpackage.json' }) },
  { name: 'console malformed escape', status: 400, code: 'bad_path', request: () => ({ method: 'GET', path: '/admin/%E0%A4%A' }) },
  { name: 'unsafe request id', status: 404, code: 'unknown_bot', request: () => ({ method: 'GET', path: '/hooks/slack/nobody', headers: { 'x-request-id': 'a b\x85c' } }) },
];

/**
 * Weird but well-formed events: the answer may be an ack that ignores them or a 4xx, never a 5xx and never a
 * stored message. (Which one is the adapter's business; this suite only holds the line.)
 */
const ODD_EVENTS: string[] = [
  '{"type":"event_callback","event":{"type":"message"}}',
  '{"type":"event_callback","event":{"type":"message","channel":123,"ts":{},"user":[],"text":5}}',
  '{"type":"event_callback","event":{"type":"message","channel":"D0X","ts":"1.1","user":"U1","text":null,"subtype":"weird"}}',
  '{"type":"event_callback","event":{"type":"app_mention","channel":"C0X","ts":"x","user":{"id":1},"text":["a"]}}',
  '{"type":"event_callback","event":{"type":"no_such_event"},"event_id":{"$gt":""}}',
  '{"type":"app_rate_limited","minute_rate_limited":"soon"}',
  '{"type":"event_callback","event":{"type":"message","channel":"D0X","user":"U1","text":"no ts","files":"nope"}}',
  '{"type":"event_callback","event":{"type":"message","subtype":"message_deleted"}}',
  '{"type":"event_callback","event":{"type":"message","channel":"C0X","ts":"2.2","user":"U1","text":"hi","thread_ts":7}}',
  '{"type":"event_callback","event":{"type":"message","channel":"D0X","ts":"3.3","user":"U1","text":"hi","files":[7,null]}}',
  '{"type":"event_callback","event":{"type":"message","channel":"D0X","ts":"4.4","user":"U1","text":"hi","files":[{"url_private":5,"mimetype":[]}]}}',
  '{"type":"event_callback","event":{"type":"message","channel":"D0X","ts":"5.5","user":"U1","text":"hi","user_profile":"me"}}',
  '{"type":"event_callback","team_id":{},"authorizations":"all","event":{"type":"app_mention","channel":"C0X","ts":"6.6","user":"U1","text":"<@U0BOT> hi"}}',
  '{"type":"event_callback","event":{"type":"message","channel":"D0X","ts":"7.7","user":"U1","text":"hi","subtype":{"a":1}}}',
  '{"type":"event_callback","event":{"type":"app_mention","channel":["C0X"],"ts":"8.8","user":"U1","text":"hi"}}',
];

/** Interactivity and slash-command forms with odd contents (signed): same rule. */
const ODD_FORMS: string[] = [
  `payload=${encodeURIComponent('{"type":"block_actions"}')}`,
  `payload=${encodeURIComponent('{"type":"block_actions","actions":"x","user":5,"channel":[],"container":7}')}`,
  `payload=${encodeURIComponent('{"type":"block_actions","actions":[{"action_id":7,"value":{}}],"user":{"id":[]},"message":"x"}')}`,
  `payload=${encodeURIComponent('{"type":"view_submission","view":null}')}`,
  `payload=${encodeURIComponent('{"type":"shortcut"}')}`,
  'command=%2Fask&channel_id=C0X&user_id=U1',
  'command=%2Fask&channel_id=&user_id=&trigger_id=t1&text=%00%FF',
  'ssl_check=1&token=x',
];

describe('server: a flood of bad input', () => {
  let s: ServerSuite;
  let url: string;

  beforeAll(async () => {
    s = await startServerSuite();
    url = s.e2e.web.url;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers weird but well-formed Slack events and forms without a 5xx and stores none of them', async () => {
    const odd = [...ODD_EVENTS.map((body) => ({ body, type: 'application/json' })), ...ODD_FORMS.map((body) => ({ body, type: 'application/x-www-form-urlencoded' }))];
    for (const { body, type } of odd) {
      const res = await rawRequest(url, { path: slackPath, headers: signedHeaders(body, type), body });
      expect(res.status, body).toBeLessThan(500);
      expectNoLeak(res.text);
      if (res.status >= 400) expectErrorBody(res.text);
    }
    expect(await s.e2e.t.runtime.database.db.message.count()).toBe(0);
  });

  it(`${TOTAL} bad requests, ${CONCURRENCY} at a time: each answered as documented, none 5xx; the server keeps serving`, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const ingressErrorsBefore = await ingressCount(url, 'slack', 'error');
    const ingressIgnoredBefore = await ingressCount(url, 'slack', 'ignored');
    const rssBefore = process.memoryUsage().rss;
    const seen = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      for (let i = next++; i < TOTAL; i = next++) {
        const kind = i % 9 === 8 ? ODD_KIND : KINDS[i % KINDS.length]!;
        try {
          const res = await rawRequest(url, { ...kind.request(i), agent, timeoutMs: 15_000 });
          const byStatus = seen.get(kind.name) ?? new Map<number, number>();
          byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
          seen.set(kind.name, byStatus);
          if (kind === ODD_KIND ? res.status >= 500 : res.status !== kind.status) failures.push(`${kind.name}: ${res.status} ${res.text.slice(0, 120)}`);
          expectNoLeak(res.text);
          if (kind.code) expectErrorBody(res.text, kind.code);
          else if (res.status >= 400) expectErrorBody(res.text);
        } catch (err) {
          failures.push(`${kind.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - started;
    agent.destroy();
    const rssAfter = process.memoryUsage().rss;
    const summary = Object.fromEntries([...seen].map(([name, byStatus]) => [name, Object.fromEntries(byStatus)]));
    console.info(`flood: ${TOTAL} requests in ${elapsed} ms; rss ${mb(rssBefore)} → ${mb(rssAfter)} MB; ${JSON.stringify(summary)}`);

    expect(failures.slice(0, 20)).toEqual([]);
    const answered = [...seen.values()].reduce((n, byStatus) => n + [...byStatus.values()].reduce((a, b) => a + b, 0), 0);
    expect(answered).toBe(TOTAL);
    // Loose: the bodies are small and cut at 16 KiB; a leak of the flood's bodies or sockets would show here.
    expect(rssAfter - rssBefore).toBeLessThan(150 * 1024 * 1024);

    // Still serving, still ready.
    expect((await rawRequest(url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    const ready = await rawRequest(url, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'ok', worker: 'ok' } });

    // Nothing was stored, run or sent.
    const db = s.e2e.t.runtime.database.db;
    expect(await db.message.count()).toBe(0);
    expect(s.dify.runRequests()).toHaveLength(0);
    expect(s.slack.callsTo('chat.postMessage')).toHaveLength(0);

    // The ingress metric counted exactly the requests that reached the Slack adapter: refused ones as `error`, the
    // odd events as `ignored`.
    const kinds = Array.from({ length: TOTAL }, (_, i) => (i % 9 === 8 ? ODD_KIND : KINDS[i % KINDS.length]!));
    expect((await ingressCount(url, 'slack', 'error')) - ingressErrorsBefore).toBe(kinds.filter((k) => k.reachesAdapter && k !== ODD_KIND).length);
    expect((await ingressCount(url, 'slack', 'ignored')) - ingressIgnoredBefore).toBe(kinds.filter((k) => k === ODD_KIND).length);

    // A valid signed DM is still processed end to end.
    const body = slackDm({ channel: 'D0AFTER', ts: '1700009999.000100', text: 'after the flood' });
    const res = await rawRequest(url, { path: slackPath, headers: signedHeaders(body), body });
    expect(res.status).toBe(200);
    await waitFor(async () => (await db.message.count({ where: { status: 'replied' } })) === 1, 15_000, 'the DM to be replied');
    const posts = s.slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe('D0AFTER');
    expect(String(posts[0]!.args.text)).toContain('Echo: after the flood');
    expect(await db.message.count()).toBe(1);
  }, 120_000);
});

/** A signed, well-formed but odd event, cycling through {@link ODD_EVENTS}. */
const ODD_KIND: Kind = {
  name: 'odd event',
  status: 0,
  reachesAdapter: true,
  request: (i) => {
    const body = ODD_EVENTS[i % ODD_EVENTS.length]!;
    return { path: slackPath, headers: signedHeaders(body), body };
  },
};

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

async function ingressCount(url: string, platform: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('switchboard_ingress_requests_total{') && l.includes(`platform="${platform}"`) && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}
