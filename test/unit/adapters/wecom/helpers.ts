import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BotRuntime } from '../../../../src/adapters/types.js';

export const FIXTURE_CORP = 'wwfixturecorp';
export const FIXTURE_AGENT = '1000002';
export const TEST_TOKEN = 'Tok3nForTests';
export const TEST_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../fixtures/wecom/${name}`, import.meta.url)), 'utf8').trim();
}

export function appBot(overrides: Partial<BotRuntime> = {}, settings: Record<string, unknown> = {}): BotRuntime {
  return {
    id: 'bot-app-1',
    tenantId: 'tenant-1',
    name: 'App bot',
    platform: 'wecom',
    mode: 'app',
    credentials: { corpId: FIXTURE_CORP, agentId: FIXTURE_AGENT, secret: 'app-secret', token: TEST_TOKEN, encodingAesKey: TEST_KEY },
    settings,
    enabled: true,
    workflowId: 'wf-1',
    ...overrides,
  };
}

export function smartBot(overrides: Partial<BotRuntime> = {}, settings: Record<string, unknown> = {}): BotRuntime {
  return {
    id: 'bot-smart-1',
    tenantId: 'tenant-1',
    name: 'Smart bot',
    platform: 'wecom',
    mode: 'smart_bot',
    credentials: { token: TEST_TOKEN, encodingAesKey: TEST_KEY },
    settings,
    enabled: true,
    workflowId: 'wf-1',
    ...overrides,
  };
}
