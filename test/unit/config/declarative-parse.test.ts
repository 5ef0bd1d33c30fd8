import { describe, expect, it } from 'vitest';
import { parseDeclarativeConfig } from '../../../src/config/declarative-parse.js';
import { readFileSync } from 'node:fs';

const env = { KEY: 'app-secret-key', CORP: 'ww123', SECRET: 's3', TOKEN: 't', AES: 'a'.repeat(43) };

const valid = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: http://127.0.0.1:5001/v1
        apiKey: \${KEY}
        inputs: { who: "{{sender.id}}" }
    bots:
      - name: helpdesk
        id: acme-wecom
        platform: wecom
        mode: app
        workflow: chat
        credentials:
          corpId: \${CORP}
          agentId: "1000002"
          secret: \${SECRET}
          token: \${TOKEN}
          encodingAesKey: \${AES}
`;

describe('parseDeclarativeConfig', () => {
  it('resolves ${ENV} references and fills defaults', () => {
    const config = parseDeclarativeConfig(valid, env, 'sb.yaml');
    const tenant = config.tenants[0]!;
    expect(tenant.workflows[0]).toMatchObject({ apiKey: 'app-secret-key', responseMode: 'streaming', timeoutMs: 120000 });
    expect(tenant.bots[0]).toMatchObject({ id: 'acme-wecom', enabled: true, approval: 'none' });
    expect(tenant.bots[0]!.credentials).toMatchObject({ corpId: 'ww123', agentId: '1000002' });
  });

  it('refuses secrets written in the file, naming line and field', () => {
    const text = valid.replace('apiKey: ${KEY}', 'apiKey: app-plaintext-key');
    expect(() => parseDeclarativeConfig(text, env, 'sb.yaml')).toThrow(/sb\.yaml:9 tenants\[0\]\.workflows\[0\]\.apiKey: secrets must be given as \$\{ENV_VAR\}/);
    const cred = valid.replace('secret: ${SECRET}', 'secret: plain');
    expect(() => parseDeclarativeConfig(cred, env, 'sb.yaml')).toThrow(/credentials\.secret: secrets must be/);
  });

  it('names a missing environment variable', () => {
    const { KEY: _k, ...rest } = env;
    expect(() => parseDeclarativeConfig(valid, rest, 'sb.yaml')).toThrow(/sb\.yaml:9 .*apiKey: environment variable KEY is not set/);
  });

  it('reports schema errors with the line of the field', () => {
    const text = valid.replace('kind: dify_chat', 'kind: dify_chatt');
    expect(() => parseDeclarativeConfig(text, env, 'sb.yaml')).toThrow(/sb\.yaml:7 tenants\[0\]\.workflows\[0\]\.kind/);
    expect(() => parseDeclarativeConfig(valid.replace('    name: Acme\n', '    name: Acme\n    colour: red\n'), env)).toThrow(/colour/);
  });

  it('refuses an unknown key anywhere, naming file, line, the key and the closest valid name', () => {
    const problem = (text: string) => {
      try {
        parseDeclarativeConfig(text, env, 'sb.yaml');
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('the config was accepted');
    };
    expect(problem(valid.replace('tenants:', 'tenant:'))).toBe('sb.yaml:2 tenant: unknown key "tenant" (did you mean "tenants"?)');
    expect(problem(valid.replace('        kind: dify_chat\n', '        kind: dify_chat\n        responsemode: blocking\n'))).toBe(
      'sb.yaml:8 tenants[0].workflows[0].responsemode: unknown key "responsemode" (did you mean "responseMode"?)',
    );
    const workflowSettings = valid.replace('        inputs:', '        settings:\n          fallbacktext: Sorry\n        inputs:');
    expect(problem(workflowSettings)).toBe(
      'sb.yaml:11 tenants[0].workflows[0].settings.fallbacktext: unknown key "fallbacktext" (did you mean "fallbackText"?)',
    );
    const nested = valid.replace('        inputs:', '        settings:\n          retry:\n            atempts: 2\n        inputs:');
    expect(problem(nested)).toBe('sb.yaml:12 tenants[0].workflows[0].settings.retry.atempts: unknown key "atempts" (did you mean "attempts"?)');
    // A key without a near miss lists the valid ones instead.
    expect(problem(valid.replace('    name: Acme\n', '    name: Acme\n    colour: red\n'))).toBe(
      'sb.yaml:5 tenants[0].colour: unknown key "colour" (expected one of: slug, name, workflows, bots)',
    );
  });

  it('checks workflow settings against the keys of the workflow kind', () => {
    const withSettings = (kind: string) =>
      valid.replace('kind: dify_chat', `kind: ${kind}`).replace('        inputs:', '        settings: { secretHeader: X-Secret, fallbackText: Sorry }\n        inputs:');
    expect(parseDeclarativeConfig(withSettings('http'), env).tenants[0]!.workflows[0]!.settings).toEqual({ secretHeader: 'X-Secret', fallbackText: 'Sorry' });
    expect(() => parseDeclarativeConfig(withSettings('dify_chat'), env, 'sb.yaml')).toThrow(/sb\.yaml:10 tenants\[0\]\.workflows\[0\]\.settings\.secretHeader: unknown key "secretHeader"/);
  });

  it('reports invalid YAML with its line', () => {
    expect(() => parseDeclarativeConfig('version: 1\ntenants: [\n  - x: {', env, 'bad.yaml')).toThrow(/bad\.yaml(:\d+)?: invalid YAML/);
  });

  it('checks names and references', () => {
    const dupe = valid.replace('    bots:\n', '      - name: chat\n        kind: http\n        baseUrl: http://127.0.0.1/x\n        apiKey: ${KEY}\n    bots:\n');
    expect(() => parseDeclarativeConfig(dupe, env)).toThrow(/duplicate name "chat"/);
    expect(() => parseDeclarativeConfig(valid.replace('workflow: chat', 'workflow: nope'), env)).toThrow(/no workflow named "nope"/);
  });

  it('ignores prototype keys instead of polluting', () => {
    const text = valid.replace('    name: Acme\n', '    name: Acme\n    __proto__: { polluted: true }\n');
    expect(() => parseDeclarativeConfig(text, env)).toThrow(/reserved key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts the shipped example file when its variables are set', () => {
    const text = readFileSync(new URL('../../../switchboard.example.yaml', import.meta.url), 'utf8');
    const names = [...text.matchAll(/\$\{([A-Z_0-9]+)\}/g)].map((m) => m[1]!);
    const exampleEnv = Object.fromEntries(names.map((n) => [n, `value-of-${n}`]));
    const config = parseDeclarativeConfig(text, exampleEnv, 'switchboard.example.yaml');
    expect(config.tenants[0]!.bots.map((b) => b.id)).toEqual(['acme-wecom', 'acme-slack']);
  });
});
