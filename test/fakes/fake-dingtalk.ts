/**
 * A fake DingTalk server API on 127.0.0.1 — a real HTTP server speaking DingTalk's wire formats, so the adapter's
 * client, timeouts, JSON and multipart bodies run for real.
 *
 *   const fake = await startFakeDingtalk({ clientId: 'dingabc', clientSecret: 's3cret' });
 *   settings: { apiBaseUrl: fake.url, legacyApiBaseUrl: fake.url }
 *
 * Endpoints (new APIs answer errors as HTTP 4xx/5xx `{code, message, requestid}`; legacy ones as 200 `{errcode, errmsg}`):
 *   POST /v1.0/oauth2/accessToken {appKey, appSecret}        → {accessToken: 'dt-tok-<n>', expireIn}
 *                                                              wrong pair → 400 invalidClientIdOrSecret
 *   (header x-acs-dingtalk-access-token on everything below; unknown/expired → 400 InvalidAuthentication)
 *   POST /v1.0/robot/oToMessages/batchSend                    → {processQueryKey, invalidStaffIdList, flowControlledStaffIdList}
 *   POST /v1.0/robot/groupMessages/send                       → {processQueryKey}
 *   POST /v1.0/robot/messageFiles/download {downloadCode}     → {downloadUrl: <url>/files/<code>} (unknown code → 400)
 *   GET  /files/<code>                                        → the bytes set with `addFile`
 *   POST /v1.0/robot/plugins/query {robotCode}                → {pluginInfoList: []} (unknown robot → 400)
 *   POST /v1.0/card/instances/createAndDeliver                → {success, result: {outTrackId, deliverResults}}
 *   PUT  /v1.0/card/streaming                                 → {success: true, result: true} (records each update)
 *   POST /media/upload?access_token&type (legacy, multipart)  → {errcode: 0, media_id}
 *   POST /robot/sendBySession?session=<id> (sessionWebhook)   → {errcode: 0}; expired session → {errcode: 310000}
 *
 * Scripting:
 *   fake.failNext(path, answer, times?, after?)  after letting `after` calls through, the next `times` calls to `path`
 *                                        get `answer`: {status, code, message}
 *                                        (e.g. QPS: {status: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi'}),
 *                                        or {errcode} for legacy paths
 *   fake.expireTokens()                  every issued token is rejected from now on
 *   fake.sessionWebhook(id, {expired?})  a sessionWebhook URL on this server
 *   fake.calls / callsTo(path)           every call: {method, path, headers, body, at}
 *   fake.sent                            successful robot sends and sessionWebhook replies, in order
 *   fake.cards                           cards by outTrackId with their updates
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDingtalkOptions {
  clientId?: string;
  clientSecret?: string;
  /** Robot codes the app owns. @defaultValue [clientId] */
  robotCodes?: string[];
  /** Staff ids batchSend reports as invalid. */
  invalidUsers?: string[];
  /** expireIn of issued tokens. @defaultValue 7200 */
  expireIn?: number;
}

export interface FakeDingtalkCall {
  method: string;
  path: string;
  query: Record<string, string>;
  token?: string;
  body?: unknown;
  at: number;
}

export type FakeSent =
  | { via: 'oto'; robotCode: string; userIds: string[]; msgKey: string; msgParam: Record<string, unknown>; at: number }
  | { via: 'group'; robotCode: string; openConversationId: string; msgKey: string; msgParam: Record<string, unknown>; at: number }
  | { via: 'session'; session: string; body: Record<string, unknown>; at: number };

export interface FakeCard {
  outTrackId: string;
  cardTemplateId: string;
  openSpaceId: string;
  cardParamMap: Record<string, unknown>;
  request: Record<string, unknown>;
  updates: Array<{ key: string; content: string; isFull: boolean; isFinalize: boolean; isError: boolean; guid: string; at: number }>;
}

export type FakeAnswer = { status: number; code?: string; message?: string } | { errcode: number; errmsg?: string };

type Scripted = { answer: FakeAnswer; skip: number };

const LEGACY = new Set(['/media/upload', '/robot/sendBySession']);

export async function startFakeDingtalk(opts: FakeDingtalkOptions = {}) {
  const clientId = opts.clientId ?? 'dingfakeclient';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret';
  const robotCodes = new Set(opts.robotCodes ?? [clientId]);
  const invalidUsers = new Set(opts.invalidUsers ?? []);
  const calls: FakeDingtalkCall[] = [];
  const sent: FakeSent[] = [];
  const cards = new Map<string, FakeCard>();
  const files = new Map<string, { data: Buffer; mime: string; name: string }>();
  const uploads: Array<{ type: string; filename: string; size: number }> = [];
  const sessions = new Map<string, { expired: boolean }>();
  const scripted = new Map<string, Scripted[]>();
  const valid = new Set<string>();
  let seq = 0;

  const json = (res: ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) => json(res, { code, message, requestid: `req-${++seq}` }, status);

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown;
    if (raw.length && contentType.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail(res, 400, 'InvalidParameter', 'body is not JSON');
      }
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const token = (req.headers['x-acs-dingtalk-access-token'] as string | undefined) ?? query.access_token;
    calls.push({ method: req.method ?? 'GET', path, query: { ...query, ...(query.access_token ? { access_token: '(token)' } : {}) }, token, body, at: Date.now() });

    const queue = scripted.get(path);
    let scriptedAnswer: FakeAnswer | undefined;
    if (queue?.length) {
      if (queue[0]!.skip > 0) queue[0]!.skip -= 1;
      else scriptedAnswer = queue.shift()!.answer;
    }
    if (scriptedAnswer) {
      if ('errcode' in scriptedAnswer) return json(res, { errcode: scriptedAnswer.errcode, errmsg: scriptedAnswer.errmsg ?? `error ${scriptedAnswer.errcode}` });
      return fail(res, scriptedAnswer.status, scriptedAnswer.code ?? 'Error', scriptedAnswer.message ?? 'scripted failure');
    }

    if (path === '/v1.0/oauth2/accessToken' && req.method === 'POST') {
      if (b.appKey !== clientId || b.appSecret !== clientSecret) return fail(res, 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      const issued = `dt-tok-${++seq}`;
      valid.add(issued);
      return json(res, { accessToken: issued, expireIn: opts.expireIn ?? 7200 });
    }
    if (path.startsWith('/files/') && req.method === 'GET') {
      const f = files.get(decodeURIComponent(path.slice('/files/'.length)));
      if (!f) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': f.mime, 'content-disposition': `attachment; filename="${f.name}"`, 'content-length': String(f.data.length) });
      return void res.end(f.data);
    }
    if (path === '/robot/sendBySession' && req.method === 'POST') {
      const session = sessions.get(query.session ?? '');
      if (!session) return json(res, { errcode: 300005, errmsg: 'session不存在' });
      if (session.expired) return json(res, { errcode: 310000, errmsg: 'sessionWebhook已过期' });
      sent.push({ via: 'session', session: query.session!, body: b, at: Date.now() });
      return json(res, { errcode: 0, errmsg: 'ok' });
    }

    // Everything else needs a valid access token.
    if (!token || !valid.has(token)) {
      if (LEGACY.has(path)) return json(res, { errcode: 40014, errmsg: '不合法的access_token' });
      return fail(res, 400, 'InvalidAuthentication', '不合法的access_token');
    }

    if (path === '/v1.0/robot/oToMessages/batchSend') {
      const userIds = Array.isArray(b.userIds) ? (b.userIds as string[]) : [];
      if (!robotCodes.has(String(b.robotCode))) return fail(res, 400, 'resource.not.found', 'robot 不存在');
      const invalid = userIds.filter((u) => invalidUsers.has(u));
      if (invalid.length === 0) {
        sent.push({ via: 'oto', robotCode: String(b.robotCode), userIds, msgKey: String(b.msgKey), msgParam: JSON.parse(String(b.msgParam)) as Record<string, unknown>, at: Date.now() });
      }
      return json(res, { processQueryKey: `pqk-${++seq}`, invalidStaffIdList: invalid, flowControlledStaffIdList: [] });
    }
    if (path === '/v1.0/robot/groupMessages/send') {
      if (!robotCodes.has(String(b.robotCode))) return fail(res, 400, 'resource.not.found', 'robot 不存在');
      sent.push({ via: 'group', robotCode: String(b.robotCode), openConversationId: String(b.openConversationId), msgKey: String(b.msgKey), msgParam: JSON.parse(String(b.msgParam)) as Record<string, unknown>, at: Date.now() });
      return json(res, { processQueryKey: `pqk-${++seq}` });
    }
    if (path === '/v1.0/robot/messageFiles/download') {
      if (!files.has(String(b.downloadCode))) return fail(res, 400, 'invalidParameter.downloadCode', 'downloadCode 无效');
      return json(res, { downloadUrl: `${baseUrl}/files/${encodeURIComponent(String(b.downloadCode))}` });
    }
    if (path === '/v1.0/robot/plugins/query') {
      if (!robotCodes.has(String(b.robotCode))) return fail(res, 400, 'robot.not.exist', 'robot not exist');
      return json(res, { pluginInfoList: [] });
    }
    if (path === '/v1.0/card/instances/createAndDeliver') {
      const outTrackId = String(b.outTrackId ?? '');
      const cardData = (b.cardData ?? {}) as { cardParamMap?: Record<string, unknown> };
      const params = cardData.cardParamMap ?? {};
      if (!outTrackId || !b.cardTemplateId || Object.values(params).some((v) => typeof v !== 'string')) {
        return fail(res, 400, 'param.error', 'outTrackId, cardTemplateId and string cardParamMap values are required');
      }
      cards.set(outTrackId, { outTrackId, cardTemplateId: String(b.cardTemplateId), openSpaceId: String(b.openSpaceId), cardParamMap: params, request: b, updates: [] });
      const space = String(b.openSpaceId ?? '');
      return json(res, { success: true, result: { outTrackId, deliverResults: [{ spaceType: space.includes('IM_GROUP') ? 'IM_GROUP' : 'IM_ROBOT', spaceId: space.split('.').slice(1).join('.'), success: true, carrierId: `carrier-${++seq}` }] } });
    }
    if (path === '/v1.0/card/streaming' && req.method === 'PUT') {
      const card = cards.get(String(b.outTrackId));
      if (!card) return fail(res, 400, 'param.error', 'card not found');
      if (b.isFull !== true) return fail(res, 400, 'param.error', 'isFull must be true for a markdown key');
      card.updates.push({ key: String(b.key), content: String(b.content), isFull: true, isFinalize: b.isFinalize === true, isError: b.isError === true, guid: String(b.guid), at: Date.now() });
      return json(res, { success: true, result: true });
    }
    if (path === '/media/upload') {
      const text = raw.toString('latin1');
      const filename = /filename="([^"]*)"/.exec(text)?.[1] ?? '';
      uploads.push({ type: query.type ?? '', filename, size: raw.length });
      return json(res, { errcode: 0, errmsg: 'ok', type: query.type, media_id: `@media-${++seq}`, created_at: Date.now() });
    }
    fail(res, 404, 'NotFound', 'no such API');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    clientId,
    clientSecret,
    calls,
    sent,
    cards,
    uploads,
    callsTo: (path: string) => calls.filter((c) => c.path === path),
    failNext(path: string, answer: FakeAnswer, times = 1, after = 0) {
      const q = scripted.get(path) ?? [];
      for (let i = 0; i < times; i++) q.push({ answer, skip: i === 0 ? after : 0 });
      scripted.set(path, q);
    },
    expireTokens() {
      valid.clear();
    },
    addFile(downloadCode: string, file: { data: Buffer; mime: string; name: string }) {
      files.set(downloadCode, file);
    },
    /** A sessionWebhook URL on this server, as DingTalk puts it in each robot message. */
    sessionWebhook(id: string, o: { expired?: boolean } = {}): string {
      sessions.set(id, { expired: o.expired === true });
      return `${baseUrl}/robot/sendBySession?session=${encodeURIComponent(id)}`;
    },
    /** Texts delivered in order, whatever the channel (markdown text, plain content). */
    texts(): string[] {
      return sent.map((s) => {
        if (s.via === 'session') {
          const md = s.body.markdown as { text?: string } | undefined;
          const tx = s.body.text as { content?: string } | undefined;
          return md?.text ?? tx?.content ?? '';
        }
        return String(s.msgParam.text ?? s.msgParam.content ?? '');
      });
    },
    reset() {
      calls.length = 0;
      sent.length = 0;
      uploads.length = 0;
      cards.clear();
      scripted.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type FakeDingtalk = Awaited<ReturnType<typeof startFakeDingtalk>>;
