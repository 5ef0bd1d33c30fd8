import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

describe('egress settings', () => {
  it('default to private networks allowed and no allowlist (every test fake lives on 127.0.0.1)', () => {
    expect(loadConfig({}).egress).toEqual({ private: 'allow', allowlist: [] });
  });

  it('read EGRESS_PRIVATE and a comma-separated EGRESS_ALLOWLIST', () => {
    expect(loadConfig({ EGRESS_PRIVATE: 'deny', EGRESS_ALLOWLIST: ' dify.internal, 10.20.0.0/16 ,,fd00::/8' }).egress).toEqual({
      private: 'deny',
      allowlist: ['dify.internal', '10.20.0.0/16', 'fd00::/8'],
    });
  });

  it('stop startup on a wrong value, naming the variable', () => {
    expect(() => loadConfig({ EGRESS_PRIVATE: 'block' })).toThrow(/EGRESS_PRIVATE/);
    expect(() => loadConfig({ EGRESS_ALLOWLIST: 'dify.internal,10.0.0.0/40' })).toThrow(ConfigError);
    expect(() => loadConfig({ EGRESS_ALLOWLIST: 'https://dify.internal' })).toThrow(/EGRESS_ALLOWLIST: "https:\/\/dify.internal" is neither a host name nor a CIDR/);
  });
});
