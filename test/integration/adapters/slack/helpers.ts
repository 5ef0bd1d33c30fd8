import { createSlackAdapter, type SlackAdapter, type SlackAdapterConfig } from '../../../../src/adapters/slack/index.js';
import type { AcceptOutcome, BotRuntime, Inbox, NormalizedMessage } from '../../../../src/adapters/types.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore, type KeyValueStore } from '../../../../src/store/kv.js';
import type { FakeSlack } from '../../../fakes/fake-slack.js';

export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';

export function slackBot(fake: FakeSlack, over: { mode?: string; settings?: Record<string, unknown>; credentials?: Record<string, string> } = {}): BotRuntime {
  return {
    id: 'bot-1',
    tenantId: 'tenant-1',
    name: 'Support Bot',
    platform: 'slack',
    mode: over.mode ?? 'events_http',
    credentials: { botToken: fake.botToken, signingSecret: SIGNING_SECRET, ...over.credentials },
    settings: { slackApiUrl: fake.apiUrl, ...over.settings },
    enabled: true,
    workflowId: 'wf-1',
  };
}

export function slackAdapter(fake: FakeSlack, over: Partial<SlackAdapterConfig> = {}): { adapter: SlackAdapter; kv: KeyValueStore } {
  const kv = over.kv ?? createMemoryKeyValueStore();
  const adapter = createSlackAdapter({
    logger: silentLogger,
    kv,
    slackApiUrl: fake.apiUrl,
    tuning: { minUpdateIntervalMs: 100, ...over.tuning },
    ...over,
  });
  return { adapter, kv };
}

/** An Inbox that records what it accepted, and when (to check accept happens before the ack). */
export class RecordingInbox implements Inbox {
  readonly accepted: { messages: NormalizedMessage[]; at: number }[] = [];
  failWith: Error | undefined;
  async accept(messages: NormalizedMessage[]): Promise<AcceptOutcome[]> {
    if (this.failWith) throw this.failWith;
    this.accepted.push({ messages, at: Date.now() });
    return messages.map((m) => ({ messageId: `m-${m.id}`, platformMessageId: m.id, duplicate: false }));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
