/**
 * Test doubles for the pipeline's edges, used where a test is about the pipeline itself (ordering, durability):
 * a platform adapter whose sender records what it sent, and a workflow gateway whose client echoes.
 * End-to-end tests use the real adapters and workflow client against the fakes in test/fakes instead.
 */
import { z } from 'zod';
import type { BotRuntime, NormalizedMessage, PlatformAdapter, Reply, ReplyTarget } from '../../src/adapters/types.js';
import { BadRequestError } from '../../src/errors.js';
import type { WorkflowGateway } from '../../src/pipeline/workflow-gateway.js';
import type { WorkflowRequest } from '../../src/workflow-client/types.js';

export interface SentRecord {
  botId: string;
  target: ReplyTarget;
  reply: Reply;
}

/**
 * A 'wecom'-named adapter speaking a trivial JSON protocol: POST {id, conversation, text} → one message.
 * Malformed JSON is a 400 like a real adapter's.
 */
export function createRecordingAdapter(opts: { sent?: SentRecord[]; failSends?: () => boolean } = {}): PlatformAdapter & { sent: SentRecord[] } {
  const sent = opts.sent ?? [];
  return {
    platform: 'wecom',
    modes: ['app', 'smart_bot'],
    sent,
    credentialsSchema: () => z.record(z.string(), z.string()),
    settingsSchema: () => z.record(z.string(), z.unknown()),
    async ingest(req, bot: BotRuntime) {
      let body: { id?: unknown; conversation?: unknown; text?: unknown };
      try {
        body = JSON.parse(req.rawBody.toString('utf8')) as typeof body;
      } catch {
        throw new BadRequestError('malformed_json', 'body is not valid JSON');
      }
      if (typeof body.id !== 'string' || typeof body.conversation !== 'string' || typeof body.text !== 'string') {
        throw new BadRequestError('malformed_message', 'id, conversation and text are required');
      }
      const message: NormalizedMessage = {
        id: body.id,
        platform: 'wecom',
        tenantId: bot.tenantId,
        botId: bot.id,
        conversation: { id: body.conversation, type: 'direct' },
        sender: { id: `user-${body.conversation}` },
        text: body.text,
        mentionsBot: false,
        attachments: [],
        replyTarget: { conversation: body.conversation },
        receivedAt: new Date(req.receivedAt).toISOString(),
      };
      return { kind: 'messages', messages: [message], ack: { status: 200, body: '' } };
    },
    sender(bot) {
      return {
        async send(target, reply) {
          if (opts.failSends?.()) throw Object.assign(new Error('platform down'), { retryable: true });
          sent.push({ botId: bot.id, target, reply });
          return { platformMessageId: `sent-${sent.length}` };
        },
      };
    },
    async checkConnection() {
      return { ok: true, items: [] };
    },
  };
}

export interface EchoCall {
  query: string;
  conversationId?: string;
  startedAt: number;
  endedAt: number;
}

/** A workflow gateway whose client answers `echo: <query>` after `delayMs`, recording every call. */
export function createEchoGateway(opts: { delayMs?: () => number; calls?: EchoCall[]; fail?: (req: WorkflowRequest) => Error | undefined } = {}): WorkflowGateway & { calls: EchoCall[] } {
  const calls = opts.calls ?? [];
  let conversations = 0;
  return {
    calls,
    client: () => ({
      async run(req) {
        const startedAt = Date.now();
        const delay = opts.delayMs?.() ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const failure = opts.fail?.(req);
        calls.push({ query: req.query, conversationId: req.conversationId, startedAt, endedAt: Date.now() });
        if (failure) throw failure;
        return {
          answer: `echo: ${req.query}`,
          files: [],
          conversationId: req.conversationId ?? `conv-${++conversations}`,
          latencyMs: Date.now() - startedAt,
          providerIds: {},
          usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3, totalPrice: '0.0001', currency: 'USD' },
        };
      },
      async check() {
        return { ok: true, items: [] };
      },
    }),
    inputs: () => ({}),
    userId: (platform, sender) => `${platform}:${sender}`,
    behaviour: () => ({ fallbackText: 'fallback text', resetCommands: ['/reset'] }),
  };
}
