import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { EgressDeniedError } from './errors.js';
import type { EgressPolicy } from './policy.js';

type LookupFunction = NonNullable<net.TcpNetConnectOpts['lookup']>;
type ConnectOptions = net.TcpNetConnectOpts & { servername?: string };
type ConnectCallback = (err: Error | null, socket: Duplex) => void;

/**
 * Checks the address a socket is about to connect to, after DNS resolution: an IP literal before connecting, a
 * name in the lookup callback (every address when several are returned). A name that resolved to a public address
 * when the URL was checked and to a private one now (DNS rebinding) is refused here.
 */
function guardedConnection(policy: EgressPolicy, options: ConnectOptions): { refused?: EgressDeniedError; options: ConnectOptions } {
  const host = String(options.host ?? 'localhost').replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const rule = policy.refusal(host, host);
    return rule ? { refused: new EgressDeniedError(host, rule), options } : { options };
  }
  const inner: LookupFunction = options.lookup ?? (dns.lookup as unknown as LookupFunction);
  const lookup = ((hostname: string, lookupOptions: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    inner(hostname, lookupOptions, ((err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => {
      if (err) return callback(err);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      for (const resolved of addresses) {
        const rule = policy.refusal(resolved, hostname);
        if (rule) return callback(new EgressDeniedError(hostname, rule, `it resolved to ${resolved}`));
      }
      callback(null, address, family);
    }) as never);
  }) as LookupFunction;
  return { options: { ...options, lookup } };
}

/** A connection through the policy: refused at once (an IP literal), or made with the guarded lookup by `connect`. */
function connectGuarded(
  policy: EgressPolicy,
  options: ConnectOptions,
  callback: ConnectCallback | undefined,
  connect: (options: ConnectOptions, callback?: ConnectCallback) => Duplex | null | undefined,
): Duplex | null | undefined {
  const guarded = guardedConnection(policy, options);
  if (!guarded.refused) return connect(guarded.options, callback);
  const socket = new net.Socket();
  if (callback) callback(guarded.refused, socket);
  else process.nextTick(() => socket.destroy(guarded.refused));
  return socket;
}

/** An http.Agent whose every connection passes the egress policy. */
export class EgressHttpAgent extends http.Agent {
  constructor(
    private readonly policy: EgressPolicy,
    options?: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: ConnectOptions, callback?: ConnectCallback): Duplex | null | undefined {
    return connectGuarded(this.policy, options, callback, (opts, cb) => super.createConnection(opts, cb));
  }
}

/** An https.Agent whose every connection passes the egress policy. */
export class EgressHttpsAgent extends https.Agent {
  constructor(
    private readonly policy: EgressPolicy,
    options?: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: ConnectOptions, callback?: ConnectCallback): Duplex | null | undefined {
    return connectGuarded(this.policy, options, callback, (opts, cb) => super.createConnection(opts, cb));
  }
}
