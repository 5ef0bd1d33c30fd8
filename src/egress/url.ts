import net from 'node:net';
import { EgressDeniedError } from './errors.js';
import type { EgressPolicy } from './policy.js';

/**
 * The URL an outbound call may be made to: http or https, no credentials in it, and an IP literal host must pass
 * the policy (a name is checked where it is resolved, see agent.ts). Throws EgressDeniedError otherwise.
 */
export function checkEgressUrl(policy: EgressPolicy, raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressDeniedError('', 'scheme', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressDeniedError(url.hostname, 'scheme', `${url.protocol.replace(/:$/, '')} URL`);
  if (url.username || url.password) throw new EgressDeniedError(url.hostname, 'credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const rule = policy.refusal(host, host);
    if (rule) throw new EgressDeniedError(host, rule);
  }
  return url;
}

/**
 * Where a redirect answer may be followed: the `Location` resolved against the request URL when it stays on the
 * same origin (scheme, host and port); EgressDeniedError when it leaves it or is not a URL.
 */
export function sameOriginRedirect(from: URL, location: string | undefined): URL {
  let target: URL;
  try {
    target = new URL(location ?? '', from);
  } catch {
    throw new EgressDeniedError(from.hostname, 'redirect', 'the Location header is not a URL');
  }
  if (!location || target.origin !== from.origin) {
    throw new EgressDeniedError(target.hostname || from.hostname, 'redirect', `redirected from ${from.origin} to ${target.origin}`);
  }
  return target;
}
