import type { App } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import type { SlackIdentity } from './bolt-app.js';
import type { SlackBotConfig } from './config.js';
import { isWellFormedMessageEvent, normalizeMessageEvent, normalizeSlashCommand, threadToCheck, type NormalizeContext, type NormalizeOutcome } from './normalize.js';
import { collectorOf, type Collector } from './receiver.js';
import type { SlackEventCallback, SlackMessageEvent, SlackSlashCommand } from './slack-types.js';
import type { ThreadRegistry } from './threads.js';

/**
 * The Bolt listeners of every Slack bot, for HTTP and Socket Mode alike. They only normalise (plus a KV lookup for
 * thread membership): no Dify, no Web API on this path. What they produce lands in the request's Collector.
 */
export interface ListenerContext {
  bot: { id: string; tenantId: string };
  config: SlackBotConfig;
  identity: SlackIdentity;
  threads: ThreadRegistry;
  logger: Logger;
}

function normalizeContext(lc: ListenerContext, body: Partial<SlackEventCallback>, receivedAt: string): NormalizeContext {
  return {
    bot: lc.bot,
    // The bot user is also named in each event's `authorizations`, when auth.test could not be reached.
    botUserId: lc.identity.botUserId ?? body.authorizations?.find((a) => a.is_bot)?.user_id,
    botId: lc.identity.botId,
    teamId: lc.identity.teamId ?? body.team_id,
    listen: lc.config.settings.listen,
    threadReplies: lc.config.settings.threadReplies,
    receivedAt,
  };
}

/** `message` and `app_mention` callbacks: the events a bot answers. */
export function isMessageCallback(body: Record<string, unknown>): body is Record<string, unknown> & SlackEventCallback {
  if (body.type !== 'event_callback') return false;
  const event = body.event as { type?: unknown } | undefined;
  return event?.type === 'message' || event?.type === 'app_mention';
}

/**
 * Normalizes one message event (a KV lookup for thread membership is the only I/O) and remembers the thread the bot
 * will answer in. Shared by the Bolt listener and the adapter's direct path for message callbacks.
 */
export async function handleMessageEvent(
  lc: ListenerContext,
  body: Partial<SlackEventCallback>,
  event: SlackMessageEvent,
  receivedAt: string,
): Promise<NormalizeOutcome> {
  const envelopeOk = (body.team_id === undefined || typeof body.team_id === 'string') && (body.authorizations === undefined || Array.isArray(body.authorizations));
  if (!envelopeOk || !isWellFormedMessageEvent(event)) return { kind: 'ignored', reason: 'malformed_event' };
  const ctx = normalizeContext(lc, body, receivedAt);
  const thread = threadToCheck(event, ctx);
  const inBotThread = thread ? await lc.threads.has(lc.bot.id, thread.channel, thread.threadTs) : false;
  const outcome = normalizeMessageEvent(event, { ...ctx, inBotThread, eventTeamId: body.team_id });
  if (outcome.kind === 'message') {
    const { conversation } = outcome.message;
    // The bot will answer in this thread: replies in it reach the bot from now on.
    if (conversation.type === 'group' && conversation.threadId) {
      await lc.threads.remember(lc.bot.id, conversation.id, conversation.threadId);
    }
  }
  return outcome;
}

export function registerSlackListeners(app: App, lc: ListenerContext): void {
  const onMessage = async (args: { event: unknown; body: unknown; context: Record<string, unknown> }): Promise<void> => {
    const collector = collectorOf(args.context);
    collect(collector, await handleMessageEvent(lc, args.body as Partial<SlackEventCallback>, args.event as SlackMessageEvent, collector.receivedAt));
  };

  app.event('message', onMessage);
  app.event('app_mention', onMessage);

  app.command(/.*/, async ({ command, ack, context }) => {
    const collector = collectorOf(context);
    const outcome = normalizeSlashCommand(command as unknown as SlackSlashCommand, normalizeContext(lc, {}, collector.receivedAt));
    collect(collector, outcome);
    // Show the command in the channel; the answer follows as a bot message.
    await ack(outcome.kind === 'message' ? { response_type: 'in_channel' } : undefined);
  });

  app.action(/.*/, async ({ ack, context }) => {
    await ack();
    collectorOf(context).reasons.push('interaction_not_handled');
  });
}

function collect(collector: Collector, outcome: NormalizeOutcome): void {
  if (outcome.kind === 'message') collector.messages.push(outcome.message);
  else collector.reasons.push(outcome.reason);
}
