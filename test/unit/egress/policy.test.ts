import { describe, expect, it } from 'vitest';
import { EgressDeniedError } from '../../../src/egress/errors.js';
import { EgressPolicy, parseAllowlist } from '../../../src/egress/policy.js';
import { checkEgressUrl, sameOriginRedirect } from '../../../src/egress/url.js';

const allow = new EgressPolicy({ private: 'allow', allowlist: [] });
const deny = new EgressPolicy({ private: 'deny', allowlist: [] });
const denyWithList = new EgressPolicy({ private: 'deny', allowlist: ['dify.internal', '10.20.0.0/16', '192.168.1.7', '::ffff:172.16.0.0/108'] });

describe('the address matrix', () => {
  const always = [
    '169.254.169.254',
    '169.254.0.1',
    '::ffff:a9fe:a9fe',
    '::ffff:169.254.169.254',
    'fe80::1',
    'fd00:ec2::254',
    '100.100.100.200',
    '64:ff9b::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    '0.0.0.0',
    '::',
    '224.0.0.1',
    '255.255.255.255',
  ];
  it.each(always)('%s is refused in every mode, allowlisted or not', (address) => {
    for (const policy of [allow, deny, denyWithList]) expect(policy.refusal(address, 'dify.internal')).toMatch(/^(metadata|reserved)$/);
  });

  it('metadata addresses are named as such', () => {
    expect(allow.refusal('169.254.169.254', 'x')).toBe('metadata');
    expect(allow.refusal('::ffff:a9fe:a9fe', 'x')).toBe('metadata');
    expect(allow.refusal('fd00:ec2::254', 'x')).toBe('metadata');
    expect(allow.refusal('64:ff9b::a9fe:a9fe', 'x')).toBe('metadata');
  });

  const privates = ['127.0.0.1', '::1', '10.1.2.3', '172.16.5.4', '192.168.0.10', '100.64.0.1', 'fd12:3456::1', '::ffff:10.0.0.1', '64:ff9b::a00:1'];
  it.each(privates)('%s is allowed by default and refused under deny', (address) => {
    expect(allow.refusal(address, 'dify.example')).toBeUndefined();
    expect(deny.refusal(address, 'dify.example')).toBe('private');
  });

  it.each(['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('public %s passes in every mode', (address) => {
    for (const policy of [allow, deny, denyWithList]) expect(policy.refusal(address, 'x')).toBeUndefined();
  });

  it('the allowlist lets named hosts and CIDRs through deny, and nothing else', () => {
    expect(denyWithList.refusal('10.9.9.9', 'dify.internal')).toBeUndefined();
    expect(denyWithList.refusal('10.9.9.9', 'DIFY.INTERNAL.')).toBeUndefined();
    expect(denyWithList.refusal('10.9.9.9', 'other.internal')).toBe('private');
    expect(denyWithList.refusal('10.20.3.4', 'other.internal')).toBeUndefined();
    expect(denyWithList.refusal('::ffff:10.20.3.4', 'other.internal')).toBeUndefined();
    expect(denyWithList.refusal('10.21.3.4', 'other.internal')).toBe('private');
    expect(denyWithList.refusal('192.168.1.7', 'x')).toBeUndefined();
    expect(denyWithList.refusal('192.168.1.8', 'x')).toBe('private');
    expect(denyWithList.refusal('172.16.9.9', 'x')).toBeUndefined();
    expect(denyWithList.refusal('fd00::1', 'x')).toBe('private');
  });

  it('an allowlist entry that is neither a host nor a CIDR is a configuration error', () => {
    expect(() => parseAllowlist(['10.0.0.0/33'])).toThrow(/not a valid CIDR/);
    expect(() => parseAllowlist(['http://dify.internal'])).toThrow(/neither a host name nor a CIDR/);
    expect(parseAllowlist([' dify.internal ', '', '[::1]']).hosts).toEqual(new Set(['dify.internal']));
  });
});

describe('the URL check', () => {
  const refused = (policy: EgressPolicy, url: string) => {
    try {
      checkEgressUrl(policy, url);
    } catch (err) {
      return err as EgressDeniedError;
    }
    throw new Error(`${url} was not refused`);
  };

  it.each(['file:///etc/passwd', 'data:text/plain,hello', 'ftp://dify.example/', 'gopher://x/', 'javascript:alert(1)'])('refuses %s by scheme', (url) => {
    const err = refused(allow, url);
    expect(err).toBeInstanceOf(EgressDeniedError);
    expect(err).toMatchObject({ code: 'egress_denied', rule: 'scheme', retryable: false });
  });

  it('refuses credentials in the URL without echoing them', () => {
    const err = refused(allow, 'https://admin:hunter2@dify.example/v1');
    expect(err.rule).toBe('credentials');
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses IP literal hosts by the address rules and names the host, not the path or query', () => {
    expect(refused(allow, 'http://169.254.169.254/latest/meta-data?token=s3cret')).toMatchObject({ rule: 'metadata', host: '169.254.169.254' });
    expect(refused(allow, 'http://[::ffff:a9fe:a9fe]/')).toMatchObject({ rule: 'metadata' });
    // URL normalises odd IPv4 spellings before the check: 0x7f.1 is 127.0.0.1.
    expect(checkEgressUrl(allow, 'http://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(refused(deny, 'http://0x7f.1/').rule).toBe('private');
    const err = refused(deny, 'http://127.0.0.1:5001/v1?api_key=s3cret');
    expect(err.rule).toBe('private');
    expect(err.message).toContain('127.0.0.1');
    expect(err.message).not.toContain('s3cret');
    expect(err.message).not.toContain('/v1');
  });

  it('names are left to the connect-time check', () => {
    expect(checkEgressUrl(deny, 'https://dify.internal/v1').hostname).toBe('dify.internal');
  });
});

describe('redirects', () => {
  const from = new URL('https://dify.example/v1/files/a');
  it('stay within the origin', () => {
    expect(sameOriginRedirect(from, '/v1/files/b').href).toBe('https://dify.example/v1/files/b');
    expect(sameOriginRedirect(from, 'https://dify.example/x').href).toBe('https://dify.example/x');
  });
  it.each(['http://dify.example/x', 'https://dify.example:8443/x', 'https://169.254.169.254/', '//10.0.0.1/x', undefined])('to %s are refused', (location) => {
    expect(() => sameOriginRedirect(from, location)).toThrow(EgressDeniedError);
  });
});
