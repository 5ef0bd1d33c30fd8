/**
 * A fake DingTalk Stream gateway on 127.0.0.1: the HTTP ticket endpoint and the WebSocket it hands out, speaking
 * the Stream protocol (frames, acks, SYSTEM ping / disconnect), with the delivery behaviour DingTalk documents.
 *
 *   const gw = await startFakeDingtalkStream({ clientId, clientSecret });
 *   settings: { streamGatewayUrl: gw.url }
 *
 * HTTP:  POST /v1.0/gateway/connections/open {clientId, clientSecret, subscriptions, ua}
 *        → {endpoint: 'ws://127.0.0.1:<port>/connect', ticket}   (Accept must include application/json, else XML)
 *        A ticket opens one connection within `ticketTtlMs` (90 s); a wrong client → 400 invalidClientIdOrSecret.
 * WS:    /connect?ticket=…  (a used, expired or unknown ticket → HTTP 401 on the upgrade)
 *
 * Delivery model (what this fake does, measured by the tests; see docs/platforms/dingtalk.md):
 * - `push(message)` sends one CALLBACK frame (topic /v1.0/im/bot/messages/get) to ONE open connection of the app,
 *   picked at random (`pick: 'random'`, the official FAQ's description), or the first (`'first'`), or to every
 *   connection (`'all'`, a re-push to each).
 * - A frame not acked within `redeliverAfterMs` is sent again (a new attempt, same messageId) to a connection picked
 *   again; a frame whose connection closes before the ack is redelivered to the next connection that opens (or
 *   another open one). Acked frames are never sent again.
 * - Every `keepaliveMs` each connection gets a SYSTEM `ping` {opaque}; its ack must echo the opaque.
 * - `silence(id?)`: the connection stays open but receives nothing any more (no pings, no pushes) — a zombie.
 * - `disconnect(id?)`: a SYSTEM `disconnect` frame, after which nothing more is pushed to that connection.
 * - `drop(id?)`: the TCP connection is destroyed without a close frame.
 *
 * Introspection: `opens` (ticket requests), `connections` (live), `handshakes`, `acks`, `pingAcks`, `frames` (sent).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeStreamOptions {
  clientId?: string;
  clientSecret?: string;
  pick?: 'random' | 'first' | 'all';
  /** @defaultValue 60000 (the SDKs' comment: unacked callbacks come again within about 60 s) */
  redeliverAfterMs?: number;
  /** @defaultValue 20000 */
  keepaliveMs?: number;
  /** @defaultValue 90000 */
  ticketTtlMs?: number;
}

export interface FakeStreamConnection {
  id: string;
  socket: WebSocket;
  openedAt: number;
  silent: boolean;
  /** After a SYSTEM disconnect nothing more is pushed here. */
  retired: boolean;
  subscriptions: unknown;
}

export interface FakeAck {
  messageId: string;
  code: number;
  message: string;
  data: unknown;
  connectionId: string;
  at: number;
}

interface Pending {
  messageId: string;
  frame: Record<string, unknown>;
  attempts: number;
  /** Connections the frame went to and that have not acked. */
  sentTo: Set<string>;
  timer?: NodeJS.Timeout;
}

export async function startFakeDingtalkStream(opts: FakeStreamOptions = {}) {
  const clientId = opts.clientId ?? 'dingfakeclient';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret';
  const redeliverAfterMs = opts.redeliverAfterMs ?? 60_000;
  const tickets = new Map<string, { issuedAt: number; used: boolean; subscriptions: unknown }>();
  const connections = new Map<string, FakeStreamConnection>();
  const pending = new Map<string, Pending>();
  const acked = new Set<string>();
  const acks: FakeAck[] = [];
  const pingAcks: Array<{ connectionId: string; opaque: unknown; expected: string }> = [];
  const pings = new Map<string, string>();
  const frames: Array<{ connectionId: string; frame: Record<string, unknown> }> = [];
  const opens: Array<{ body: unknown; accept: string; at: number }> = [];
  let handshakes = 0;
  let failOpens: { status: number; remaining: number } | undefined;
  let ackHook: ((ack: FakeAck) => void | Promise<void>) | undefined;
  let seq = 0;
  let pick = opts.pick ?? 'random';

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'POST' || url.pathname !== '/v1.0/gateway/connections/open') return void res.writeHead(404).end();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        /* answered below */
      }
      const accept = String(req.headers.accept ?? '');
      opens.push({ body: { ...body, clientSecret: body.clientSecret ? '(secret)' : undefined }, accept, at: Date.now() });
      if (failOpens && failOpens.remaining > 0) {
        failOpens.remaining -= 1;
        res.writeHead(failOpens.status, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'gateway busy' }));
      }
      if (body.clientId !== clientId || body.clientSecret !== clientSecret) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' }));
      }
      const ticket = randomUUID();
      tickets.set(ticket, { issuedAt: Date.now(), used: false, subscriptions: body.subscriptions });
      const endpoint = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/connect`;
      if (!accept.includes('application/json')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return void res.end(`<OpenConnectionResponse><endpoint>${endpoint}</endpoint><ticket>${ticket}</ticket></OpenConnectionResponse>`);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ endpoint, ticket }));
    });
  });

  const wss = new WebSocketServer({ noServer: true, autoPong: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = tickets.get(url.searchParams.get('ticket') ?? '');
    if (url.pathname !== '/connect' || !ticket || ticket.used || Date.now() - ticket.issuedAt > (opts.ticketTtlMs ?? 90_000)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    ticket.used = true;
    wss.handleUpgrade(req, socket, head, (ws) => {
      handshakes += 1;
      const conn: FakeStreamConnection = { id: `conn-${++seq}`, socket: ws, openedAt: Date.now(), silent: false, retired: false, subscriptions: ticket.subscriptions };
      connections.set(conn.id, conn);
      ws.on('message', (raw) => onAck(conn, raw.toString()));
      ws.on('close', () => onClose(conn));
      // Frames left unacked by connections that went away are delivered to the newcomer.
      for (const p of pending.values()) if (p.sentTo.size === 0) deliver(p);
    });
  });

  function live(): FakeStreamConnection[] {
    return [...connections.values()].filter((c) => !c.silent && !c.retired && c.socket.readyState === c.socket.OPEN);
  }

  function send(conn: FakeStreamConnection, frame: Record<string, unknown>): void {
    frames.push({ connectionId: conn.id, frame });
    conn.socket.send(JSON.stringify(frame));
  }

  function deliver(p: Pending): void {
    const targets = live();
    if (targets.length === 0) return; // waits for a connection
    const chosen = pick === 'all' ? targets : pick === 'first' ? [targets[0]!] : [targets[Math.floor(Math.random() * targets.length)]!];
    p.attempts += 1;
    for (const conn of chosen) {
      p.sentTo.add(conn.id);
      send(conn, p.frame);
    }
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      if (!acked.has(p.messageId)) {
        p.sentTo.clear();
        deliver(p);
      }
    }, redeliverAfterMs);
    p.timer.unref();
  }

  function onAck(conn: FakeStreamConnection, text: string): void {
    let msg: { code?: number; headers?: { messageId?: string }; message?: string; data?: string };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const messageId = msg.headers?.messageId ?? '';
    let data: unknown = msg.data;
    try {
      data = typeof msg.data === 'string' ? JSON.parse(msg.data) : msg.data;
    } catch {
      /* kept raw */
    }
    const expectedOpaque = pings.get(messageId);
    if (expectedOpaque !== undefined) {
      pingAcks.push({ connectionId: conn.id, opaque: (data as { opaque?: unknown } | undefined)?.opaque, expected: expectedOpaque });
      return;
    }
    const ack: FakeAck = { messageId, code: msg.code ?? 0, message: msg.message ?? '', data, connectionId: conn.id, at: Date.now() };
    acks.push(ack);
    void ackHook?.(ack);
    if (ack.code === 200) {
      acked.add(messageId);
      const p = pending.get(messageId);
      if (p?.timer) clearTimeout(p.timer);
      pending.delete(messageId);
    }
  }

  function onClose(conn: FakeStreamConnection): void {
    connections.delete(conn.id);
    for (const p of pending.values()) {
      if (!p.sentTo.delete(conn.id) || p.sentTo.size > 0) continue;
      // Its connection died before the ack: deliver it elsewhere (or to the next connection).
      setTimeout(() => {
        if (!acked.has(p.messageId) && p.sentTo.size === 0) deliver(p);
      }, 20).unref();
    }
  }

  const keepalive = setInterval(() => {
    for (const conn of connections.values()) {
      if (conn.silent || conn.socket.readyState !== conn.socket.OPEN) continue;
      const messageId = `ping-${++seq}`;
      const opaque = randomUUID();
      pings.set(messageId, opaque);
      send(conn, { specVersion: '1.0', type: 'SYSTEM', headers: { contentType: 'application/json', messageId, time: String(Date.now()), topic: 'ping' }, data: JSON.stringify({ opaque }) });
    }
  }, opts.keepaliveMs ?? 20_000);
  keepalive.unref();

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const select = (id?: string) => (id ? [connections.get(id)].filter((c): c is FakeStreamConnection => !!c) : [...connections.values()]);

  return {
    url,
    clientId,
    opens,
    acks,
    pingAcks,
    frames,
    get handshakes() {
      return handshakes;
    },
    get connections(): FakeStreamConnection[] {
      return [...connections.values()];
    },
    /** Pushes a robot message; returns the frame's messageId. */
    push(message: Record<string, unknown>, o: { messageId?: string } = {}): string {
      const messageId = o.messageId ?? `msg_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const frame = {
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: { appId: 'fake-app', connectionId: 'fake', contentType: 'application/json', messageId, time: String(Date.now()), topic: '/v1.0/im/bot/messages/get' },
        data: JSON.stringify(message),
      };
      acked.delete(messageId);
      const p: Pending = { messageId, frame, attempts: 0, sentTo: new Set() };
      pending.set(messageId, p);
      deliver(p);
      return messageId;
    },
    /** An EVENT frame to one live connection. */
    pushEvent(eventType: string, data: Record<string, unknown>): string {
      const messageId = `evt_${++seq}`;
      const conn = live()[0];
      if (conn) send(conn, { specVersion: '1.0', type: 'EVENT', headers: { contentType: 'application/json', messageId, eventType, eventId: randomUUID(), time: String(Date.now()), topic: eventType }, data: JSON.stringify(data) });
      return messageId;
    },
    /** How the next pushes choose their connection. */
    setPick(mode: 'random' | 'first' | 'all') {
      pick = mode;
    },
    silence(id?: string) {
      for (const c of select(id)) c.silent = true;
    },
    disconnect(id?: string) {
      for (const c of select(id)) {
        c.retired = true;
        send(c, { specVersion: '1.0', type: 'SYSTEM', headers: { contentType: 'application/json', messageId: `sys-${++seq}`, time: String(Date.now()), topic: 'disconnect' }, data: JSON.stringify({ reason: 'persistent connection is timeout' }) });
      }
    },
    drop(id?: string) {
      for (const c of select(id)) c.socket.terminate();
    },
    /** The next `times` ticket requests answer `status`. */
    failOpens(times: number, status = 503) {
      failOpens = { status, remaining: times };
    },
    /** Called on every (non-ping) ack as it arrives. */
    onAck(fn: ((ack: FakeAck) => void | Promise<void>) | undefined) {
      ackHook = fn;
    },
    acksFor: (messageId: string) => acks.filter((a) => a.messageId === messageId),
    pendingCount: () => pending.size,
    async waitForConnections(n: number, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (live().length < n) {
        if (Date.now() > deadline) throw new Error(`fake gateway: ${live().length} of ${n} connections after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: async () => {
      clearInterval(keepalive);
      for (const p of pending.values()) if (p.timer) clearTimeout(p.timer);
      for (const c of connections.values()) c.socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type FakeDingtalkStream = Awaited<ReturnType<typeof startFakeDingtalkStream>>;
