/**
 * A fake WeCom server API on 127.0.0.1 — a real HTTP server, so the adapter's axios client, timeouts and
 * multipart uploads run for real.
 *
 *   const fake = await startFakeWecom({ corpId: 'ww1', secret: 's3cret', agentId: '1000002' });
 *   adapter = createWecomAdapter({ ..., apiBaseUrl: fake.url });
 *   ...
 *   await fake.close();
 *
 * Endpoints (WeCom's shapes; every JSON answer has errcode/errmsg):
 *   GET  /cgi-bin/gettoken?corpid&corpsecret     → {access_token: 'tok-<n>', expires_in}
 *   POST /cgi-bin/message/send?access_token      → {msgid: 'msg-<n>', invaliduser: ''}
 *   POST /cgi-bin/media/upload?access_token&type → {type, media_id: 'media-<n>', created_at} (multipart field "media")
 *   GET  /cgi-bin/media/get?access_token&media_id→ the bytes set with `addMedia` (else errcode 40007)
 *   GET  /cgi-bin/agent/get?access_token&agentid → {agentid, name} (unknown agent → 40056)
 *   GET  /aibot/file/<name>                      → bytes set with `addSmartBotFile` (already encrypted by the caller)
 *   POST /aibot/response/<id>                    → response_url receiver: {errcode: 0}
 *
 * Scripting:
 *   fake.failNext('/cgi-bin/message/send', 45009, times?, after?)  after letting `after` calls through (default 0),
 *                                the next `times` calls (default 1) answer that errcode
 *   fake.expireTokensAfter(n)    after n more successful authenticated calls, every issued token is expired (42001)
 *   fake.expireTokens()          all issued tokens are expired at once (42001)
 *   fake.delayNext(path, ms)     the next call to path waits ms before answering
 *   fake.calls                   log of every call: {method, path, query (access_token → 'tok-<n>'), body?, at}
 *   fake.callsTo(path)           the calls to one path
 *   fake.sentMessages()          parsed JSON bodies of message/send calls that succeeded
 *   fake.uploads                 {type, filename, size, contentType} of media uploads
 *   fake.responses               JSON bodies posted to response_url endpoints
 * Canned errmsgs: 60020 carries "from ip: 203.0.113.7" like WeCom's real message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWecomOptions {
  corpId?: string;
  secret?: string;
  agentId?: string;
  agentName?: string;
  /** expires_in of issued tokens. @defaultValue 7200 */
  expiresIn?: number;
}

export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  at: number;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40007: 'invalid media_id',
  40056: 'invalid agentid',
  42001: 'access_token expired, more info at https://open.work.weixin.qq.com/devtool/query?e=42001',
  45009: 'reach max api daily quota limit',
  45033: 'api concurrent out of limit',
  60020:
    'not allow to access from your ip, hint: [1700000000000000], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020',
  81013: 'user & party & tag all invalid',
};

export interface FakeMedia {
  data: Buffer;
  mime: string;
  name: string;
}

export async function startFakeWecom(opts: FakeWecomOptions = {}) {
  const corpId = opts.corpId ?? 'wwfakecorp';
  const secret = opts.secret ?? 'fake-secret';
  const agentId = opts.agentId ?? '1000002';
  const calls: FakeCall[] = [];
  const scripted = new Map<string, { errcode: number; skip: number }[]>();
  const delays = new Map<string, number>();
  const media = new Map<string, FakeMedia>();
  const smartBotFiles = new Map<string, Buffer>();
  const valid = new Set<string>();
  const uploads: { type: string; filename: string; size: number; contentType: string }[] = [];
  const responses: unknown[] = [];
  const sent: unknown[] = [];
  let tokenSeq = 0;
  let msgSeq = 0;
  let mediaSeq = 0;
  let expireAfter: number | undefined;

  const json = (res: ServerResponse, body: Record<string, unknown>, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const err = (res: ServerResponse, errcode: number) => json(res, { errcode, errmsg: ERRMSG[errcode] ?? `error ${errcode}` });

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  function authOk(res: ServerResponse, query: Record<string, string>): boolean {
    const token = query.access_token;
    if (!token) {
      json(res, { errcode: 41001, errmsg: 'access_token missing' });
      return false;
    }
    if (!valid.has(token)) {
      err(res, token.startsWith('tok-') ? 42001 : 40014);
      return false;
    }
    return true;
  }

  function countAuthenticated(): void {
    if (expireAfter === undefined) return;
    expireAfter -= 1;
    if (expireAfter <= 0) {
      valid.clear();
      expireAfter = undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown;
    if (raw.length && contentType.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    calls.push({ method: req.method ?? 'GET', path, query, body, at: Date.now() });

    const delay = delays.get(path);
    if (delay) {
      delays.delete(path);
      await new Promise((r) => setTimeout(r, delay));
    }
    const queue = scripted.get(path);
    if (queue && queue.length) {
      const head = queue[0]!;
      if (head.skip > 0) head.skip -= 1;
      else {
        queue.shift();
        err(res, head.errcode);
        return;
      }
    }

    if (path === '/cgi-bin/gettoken') {
      if (query.corpid !== corpId) return err(res, 40013);
      if (query.corpsecret !== secret) return err(res, 40001);
      const token = `tok-${++tokenSeq}`;
      valid.add(token);
      return json(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: opts.expiresIn ?? 7200 });
    }
    if (path === '/cgi-bin/message/send') {
      if (!authOk(res, query)) return;
      countAuthenticated();
      sent.push(body);
      return json(res, { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: `msg-${++msgSeq}` });
    }
    if (path === '/cgi-bin/media/upload') {
      if (!authOk(res, query)) return;
      countAuthenticated();
      const text = raw.toString('latin1');
      const filename = /filename="([^"]*)"/.exec(text)?.[1] ?? '';
      const partType = /\r\nContent-Type: ([^\r\n]+)/i.exec(text)?.[1] ?? '';
      uploads.push({ type: query.type ?? '', filename, size: raw.length, contentType: partType });
      const id = `media-${++mediaSeq}`;
      return json(res, { errcode: 0, errmsg: 'ok', type: query.type, media_id: id, created_at: String(Math.floor(Date.now() / 1000)) });
    }
    if (path === '/cgi-bin/media/get') {
      if (!authOk(res, query)) return;
      countAuthenticated();
      const m = media.get(query.media_id ?? '');
      if (!m) return err(res, 40007);
      res.writeHead(200, {
        'content-type': m.mime,
        'content-disposition': `attachment; filename="${m.name}"`,
        'content-length': String(m.data.length),
      });
      res.end(m.data);
      return;
    }
    if (path === '/cgi-bin/agent/get') {
      if (!authOk(res, query)) return;
      countAuthenticated();
      if (query.agentid !== agentId) return err(res, 40056);
      return json(res, { errcode: 0, errmsg: 'ok', agentid: Number(agentId), name: opts.agentName ?? 'Switchboard Assistant' });
    }
    if (path.startsWith('/aibot/file/')) {
      const data = smartBotFiles.get(decodeURIComponent(path.slice('/aibot/file/'.length)));
      if (!data) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(data);
      return;
    }
    if (path.startsWith('/aibot/response/')) {
      responses.push(body);
      return json(res, { errcode: 0, errmsg: 'ok' });
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    corpId,
    secret,
    agentId,
    calls,
    uploads,
    responses,
    callsTo: (path: string) => calls.filter((c) => c.path === path),
    sentMessages: () => [...sent],
    /** The next `times` calls to `path` (after letting `after` calls through) answer `errcode`. */
    failNext(path: string, errcode: number, times = 1, after = 0) {
      const q = scripted.get(path) ?? [];
      for (let i = 0; i < times; i++) q.push({ errcode, skip: i === 0 ? after : 0 });
      scripted.set(path, q);
    },
    delayNext(path: string, ms: number) {
      delays.set(path, ms);
    },
    expireTokensAfter(n: number) {
      expireAfter = n;
    },
    expireTokens() {
      valid.clear();
    },
    addMedia(mediaId: string, m: FakeMedia) {
      media.set(mediaId, m);
    },
    /** Serves `encrypted` at `${url}/aibot/file/<name>`; returns that URL. */
    addSmartBotFile(name: string, encrypted: Buffer): string {
      smartBotFiles.set(name, encrypted);
      return `${url}/aibot/file/${encodeURIComponent(name)}`;
    },
    responseUrl(id: string): string {
      return `${url}/aibot/response/${encodeURIComponent(id)}`;
    },
    reset() {
      calls.length = 0;
      uploads.length = 0;
      responses.length = 0;
      sent.length = 0;
      scripted.clear();
      delays.clear();
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;
