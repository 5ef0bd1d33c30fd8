import type { BotRuntime } from '../../../../src/adapters/types.js';

export const DT_KEYS = {
  clientId: 'dingunitclient01',
  clientSecret: 'unit-client-secret',
  token: 'UnitTok3n',
  encodingAesKey: 'unitKeyABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij',
} as const;

export function dingtalkBot(mode: 'robot_http' | 'event_http' | 'stream', settings: Record<string, unknown> = {}, credentials: Record<string, string> = {}): BotRuntime {
  return {
    id: `bot-${mode}`,
    tenantId: 'tenant-1',
    name: `DingTalk ${mode}`,
    platform: 'dingtalk',
    mode,
    credentials: { ...DT_KEYS, ...credentials },
    settings,
    enabled: true,
    workflowId: 'wf-1',
  };
}
