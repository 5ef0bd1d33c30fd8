import ipaddr from 'ipaddr.js';
import type { EgressRule } from './errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The instance's egress settings (EGRESS_PRIVATE, EGRESS_ALLOWLIST). */
export interface EgressSettings {
  /** `allow` (default): loopback and private networks may be called; `deny`: only public addresses and the allowlist. */
  private: 'allow' | 'deny';
  /** Host names and CIDRs (or single addresses) allowed even when private addresses are denied. */
  allowlist: readonly string[];
}

export const DEFAULT_EGRESS_SETTINGS: EgressSettings = { private: 'allow', allowlist: [] };

/** Ranges (as ipaddr.js names them) that a self-hosted backend commonly lives in: allowed unless EGRESS_PRIVATE=deny. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/** Cloud metadata services outside link-local: AWS over IPv6, Alibaba Cloud. Link-local ones come from the range. */
const METADATA_ADDRESSES = ['fd00:ec2::254', '100.100.100.200'].map((a) => ipaddr.parse(a).toNormalizedString());

/** The decision for one address, made where the socket connects. */
export class EgressPolicy {
  readonly settings: EgressSettings;
  private readonly hosts: Set<string>;
  private readonly cidrs: [Address, number][];

  constructor(settings: EgressSettings = DEFAULT_EGRESS_SETTINGS) {
    this.settings = settings;
    const { hosts, cidrs } = parseAllowlist(settings.allowlist);
    this.hosts = hosts;
    this.cidrs = cidrs;
  }

  /** True when `host` (a name from a URL) is on the allowlist: its addresses may be private even under `deny`. */
  hostAllowed(host: string): boolean {
    return this.hosts.has(normalizeHost(host));
  }

  /** The rule refusing a connection to `address` (reached through `host`), or undefined when it may go ahead. */
  refusal(address: string, host: string): EgressRule | undefined {
    if (!ipaddr.isValid(address)) return 'reserved';
    const addr = embeddedIPv4(ipaddr.process(address));
    const range = addr.range();
    if (range === 'linkLocal' || METADATA_ADDRESSES.includes(addr.toNormalizedString())) return 'metadata';
    if (range === 'unicast') return undefined;
    if (!PRIVATE_RANGES.has(range)) return 'reserved';
    if (this.settings.private === 'allow' || this.hostAllowed(host)) return undefined;
    if (this.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return undefined;
    return 'private';
  }
}

/** Splits allowlist entries into host names and CIDRs; throws on an entry that is neither. */
export function parseAllowlist(entries: readonly string[]): { hosts: Set<string>; cidrs: [Address, number][] } {
  const hosts = new Set<string>();
  const cidrs: [Address, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (/^[0-9a-f:.]+\/\d+$/i.test(entry)) {
      try {
        const [net, bits] = ipaddr.parseCIDR(entry);
        const mapped = net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96;
        cidrs.push(mapped ? [(net as ipaddr.IPv6).toIPv4Address(), bits - 96] : [net, bits]);
      } catch {
        throw new Error(`"${entry}" is not a valid CIDR`);
      }
    } else if (ipaddr.isValid(entry.replace(/^\[|\]$/g, ''))) {
      const addr = ipaddr.process(entry.replace(/^\[|\]$/g, ''));
      cidrs.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)) {
      hosts.add(normalizeHost(entry));
    } else {
      throw new Error(`"${entry}" is neither a host name nor a CIDR`);
    }
  }
  return { hosts, cidrs };
}

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** The IPv4 address carried inside NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 addresses, so it is judged itself. */
function embeddedIPv4(addr: Address): Address {
  if (addr.kind() !== 'ipv6') return addr;
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const bytes = v6.toByteArray();
  if (range === 'rfc6052') return ipaddr.fromByteArray(bytes.slice(12, 16));
  if (range === '6to4') return ipaddr.fromByteArray(bytes.slice(2, 6));
  return addr;
}
