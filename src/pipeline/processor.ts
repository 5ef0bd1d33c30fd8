import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { BotRuntime, NormalizedMessage, PlatformAdapter, Reply, ReplySender, ReplyStream } from '../adapters/types.js';
import { AppError, retryHintOf } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { DeferJob, PermanentJobError, type JobContext, type ProcessJob, type Queue } from '../queue/types.js';
import type { TemplateContext, WorkflowConfig, WorkflowResult } from '../workflow-client/types.js';
import type { MessagePayload } from './inbox.js';
import type { PipelineStores, StoredMessage, StoredRun } from './ports.js';
import { DEFAULT_FALLBACK_TEXT, RESET_NOTICE, conversationRestartNotice, type WorkflowGateway } from './workflow-gateway.js';

export interface ProcessorDeps {
  stores: PipelineStores;
  /** To wake the next message of a conversation when one finishes. */
  queue: Pick<Queue, 'wake'>;
  adapters: { get(platform: string): PlatformAdapter | undefined };
  workflows: WorkflowGateway;
  logger: Logger;
  metrics?: Metrics;
  /**
   * How long a message waits before looking again when an earlier message of its conversation is still pending.
   * Only a safety net: the earlier message wakes it when it finishes. @defaultValue 2000
   */
  deferMs?: number;
  /**
   * Lease on a conversation while one of its messages runs, renewed every third of it while running. Short, so a
   * worker that dies holds its conversations only this long. @defaultValue 30000
   */
  lockTtlMs?: number;
}

const TERMINAL = new Set(['replied', 'failed', 'awaiting_approval', 'ignored']);

/** A failure that ends the message at once, with a code for the message log. */
class PermanentFailure extends PermanentJobError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function errorCodeOf(err: unknown): string {
  if (err instanceof PermanentFailure) return err.code;
  if (err instanceof AppError) return err.code;
  return 'internal_error';
}

function errorTextOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.slice(0, 2000);
}

/** A user-facing sentence an error may carry (e.g. a refused file), shown instead of the generic fallback. */
function userMessageOf(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'userMessage' in err && typeof err.userMessage === 'string') return err.userMessage;
  return undefined;
}

function toNormalized(m: StoredMessage): NormalizedMessage {
  const payload = m.payload as MessagePayload;
  return {
    id: m.platformMessageId,
    platform: m.platform as NormalizedMessage['platform'],
    tenantId: m.tenantId,
    botId: m.botId,
    conversation: payload.conversation,
    sender: { id: m.senderId, name: m.senderName ?? undefined },
    text: m.text,
    mentionsBot: payload.mentionsBot,
    attachments: payload.attachments ?? [],
    replyTarget: payload.replyTarget,
    receivedAt: m.receivedAt.toISOString(),
  };
}

function usageFooter(run: Pick<StoredRun, 'totalTokens' | 'totalPrice' | 'currency'>): string | undefined {
  if (run.totalTokens === null || run.totalTokens === undefined) return undefined;
  const price = run.totalPrice ? ` · ${run.totalPrice} ${run.currency ?? ''}`.trimEnd() : '';
  return `${run.totalTokens} tokens${price}`;
}

/**
 * Steps 7–11 of the pipeline for one message: conversation → workflow run → approval gate → render + send → record.
 * Guarantees: messages of one conversation run one at a time in arrival order; a finished workflow run is never
 * repeated when only the send failed; every failure ends as a visible status on the message.
 */
export function createProcessor(deps: ProcessorDeps) {
  const { stores, adapters, workflows, logger, metrics } = deps;
  const deferMs = deps.deferMs ?? 2000;
  const lockTtlMs = deps.lockTtlMs ?? 30_000;
  const processTag = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  async function loadBot(botId: string): Promise<BotRuntime> {
    const bot = await stores.bots.getRuntime(botId);
    if (!bot) throw new PermanentFailure('bot_not_found', 'the bot of this message no longer exists');
    if (!bot.enabled) throw new PermanentFailure('bot_disabled', 'the bot is disabled');
    return bot;
  }

  function adapterFor(bot: BotRuntime): PlatformAdapter {
    const adapter = adapters.get(bot.platform);
    if (!adapter) throw new PermanentFailure('platform_unsupported', `no adapter for platform ${bot.platform}`);
    return adapter;
  }

  async function loadWorkflow(bot: BotRuntime): Promise<WorkflowConfig> {
    if (!bot.workflowId) throw new PermanentFailure('no_workflow', 'the bot has no workflow bound');
    const config = await stores.workflows.getConfigForWorker(bot.workflowId);
    if (!config) throw new PermanentFailure('no_workflow', 'the workflow bound to the bot no longer exists');
    return config;
  }

  async function deliver(
    msg: StoredMessage,
    sender: ReplySender,
    target: NormalizedMessage['replyTarget'],
    reply: Reply,
    kind: 'reply' | 'fallback' | 'notice',
    runId: string | null,
    stream?: ReplyStream,
  ): Promise<void> {
    const deliveryId = await stores.deliveries.start({ tenantId: msg.tenantId, messageId: msg.id, runId, kind });
    try {
      const ref = stream ? await stream.finish(reply) : await sender.send(target, reply);
      await stores.deliveries.markSent(deliveryId, { platformMessageId: ref.platformMessageId, ref });
      metrics?.deliveries.inc({ platform: msg.platform, kind, outcome: 'sent' });
    } catch (err) {
      await stores.deliveries.markFailed(deliveryId, { errorCode: errorCodeOf(err), error: errorTextOf(err) });
      metrics?.deliveries.inc({ platform: msg.platform, kind, outcome: 'failed' });
      throw err;
    }
  }

  async function runWorkflow(
    msg: StoredMessage,
    normalized: NormalizedMessage,
    bot: BotRuntime,
    adapter: PlatformAdapter,
    config: WorkflowConfig,
    conversation: { id: string; workflowConversationId: string | null },
    ctx: JobContext,
    stream: ReplyStream | undefined,
  ): Promise<{ runId: string; result: WorkflowResult }> {
    const template: TemplateContext = {
      platform: msg.platform,
      message: { id: normalized.id, text: normalized.text, receivedAt: normalized.receivedAt },
      sender: normalized.sender,
      conversation: normalized.conversation,
      bot: { id: bot.id, name: bot.name },
      tenant: { id: bot.tenantId },
    };
    const inputs = workflows.inputs(config, template);
    const runId = await stores.runs.start({
      tenantId: msg.tenantId,
      messageId: msg.id,
      workflowId: config.id,
      attempt: ctx.attempt,
      inputs,
    });
    try {
      const files = [];
      if (normalized.attachments.length > 0 && adapter.downloadAttachment) {
        for (const attachment of normalized.attachments) files.push(await adapter.downloadAttachment(bot, attachment));
      }
      let textSoFar = '';
      const result = await workflows.client(config).run(
        {
          query: normalized.text,
          inputs,
          user: workflows.userId(normalized.platform, normalized.sender.id),
          conversationId: conversation.workflowConversationId ?? undefined,
          files,
          traceId: msg.traceId ?? undefined,
          context: template,
        },
        {
          signal: ctx.signal,
          onText: (delta) => {
            textSoFar += delta;
            stream?.push(textSoFar);
          },
          onReplace: (text) => {
            textSoFar = text;
            stream?.push(textSoFar);
          },
        },
      );
      await stores.runs.succeed(runId, {
        answer: result.answer,
        files: result.files.map(({ data: _data, ...file }) => file),
        promptTokens: result.usage?.promptTokens,
        completionTokens: result.usage?.completionTokens,
        totalTokens: result.usage?.totalTokens,
        totalPrice: result.usage?.totalPrice,
        currency: result.usage?.currency,
        latencyMs: Math.round(result.latencyMs),
        providerTaskId: result.providerIds.taskId,
        providerMessageId: result.providerIds.messageId,
        workflowRunId: result.providerIds.workflowRunId,
        workflowConversationId: result.conversationId,
        humanInput: result.humanInput,
        status: result.humanInput ? 'paused' : 'succeeded',
      });
      if (result.conversationId !== undefined && result.conversationId !== conversation.workflowConversationId) {
        await stores.conversations.setWorkflowConversationId(msg.tenantId, conversation.id, result.conversationId);
      }
      metrics?.workflowRuns.inc({ kind: config.kind, outcome: 'succeeded' });
      return { runId, result };
    } catch (err) {
      await stores.runs.fail(runId, { errorCode: errorCodeOf(err), error: errorTextOf(err) });
      metrics?.workflowRuns.inc({ kind: config.kind, outcome: 'failed' });
      throw err;
    }
  }

  async function processLocked(msg: StoredMessage, bot: BotRuntime, conversation: { id: string; workflowConversationId: string | null }, ctx: JobContext) {
    const adapter = adapterFor(bot);
    const sender = adapter.sender(bot);
    const normalized = toNormalized(msg);
    const target = normalized.replyTarget;

    let run = await stores.runs.findSucceededForWorker(msg.id);
    let stream: ReplyStream | undefined;
    if (!run) {
      const config = await loadWorkflow(bot);
      const behaviour = workflows.behaviour(config);
      const command = normalized.text.trim().toLowerCase();
      if (behaviour.resetCommands.some((c) => c.toLowerCase() === command)) {
        await stores.conversations.setWorkflowConversationId(msg.tenantId, conversation.id, null);
        if (!(await stores.deliveries.findSentForWorker(msg.id, 'notice'))) {
          await deliver(msg, sender, target, { text: RESET_NOTICE }, 'notice', null);
        }
        return;
      }
      const wantsStream = bot.settings.streaming !== false && bot.approvalPolicy !== 'always';
      if (wantsStream && sender.openStream) stream = await sender.openStream(target);
      try {
        const { runId, result } = await runWorkflow(msg, normalized, bot, adapter, config, conversation, ctx, stream);
        if (result.conversationRestarted) await deliver(msg, sender, target, { text: conversationRestartNotice(result.conversationRestartReason) }, 'notice', runId).catch((e: unknown) => logger.warn({ err: errorTextOf(e), messageId: msg.id }, 'could not send the new-conversation notice'));
        run = { id: runId, status: result.humanInput ? 'paused' : 'succeeded', answer: result.answer, files: result.files, totalTokens: result.usage?.totalTokens ?? null, totalPrice: result.usage?.totalPrice ?? null, currency: result.usage?.currency ?? null };
      } catch (err) {
        if (stream) {
          const hint = retryHintOf(err);
          // An abort by shutdown is not the end: the message runs again after the restart.
          const final = !ctx.signal?.aborted && (!hint.retryable || ctx.isLastAttempt);
          // The partial answer must not stay on screen as if it were complete.
          await stream
            .fail({ text: final ? (userMessageOf(err) ?? behaviour.fallbackText) : '_Interrupted, trying again…_' })
            .then(async (ref) => {
              if (!final) return;
              const id = await stores.deliveries.start({ tenantId: msg.tenantId, messageId: msg.id, runId: null, kind: 'fallback' });
              await stores.deliveries.markSent(id, { platformMessageId: ref.platformMessageId, ref });
            })
            .catch((e: unknown) => logger.warn({ err: e, messageId: msg.id }, 'could not mark the interrupted stream'));
        }
        throw err;
      }
    }

    if (bot.approvalPolicy === 'always') {
      await stores.approvals.create({ tenantId: msg.tenantId, messageId: msg.id, runId: run.id, draft: run.answer ?? '' });
      await stores.messages.setStatusForWorker(msg.id, 'awaiting_approval', { errorCode: null, lastError: null });
      return 'awaiting_approval' as const;
    }

    if (!(await stores.deliveries.findSentForWorker(msg.id, 'reply'))) {
      const reply: Reply = {
        text: run.answer ?? '',
        files: Array.isArray(run.files) ? (run.files as Reply['files']) : undefined,
        footer: bot.settings.usageFooter === true ? usageFooter(run) : undefined,
      };
      await deliver(msg, sender, target, reply, 'reply', run.id, stream);
    }
    return undefined;
  }

  async function processMessage(job: ProcessJob, ctx: JobContext): Promise<void> {
    const started = Date.now();
    const msg = await stores.messages.getForWorker(job.messageId);
    if (!msg || TERMINAL.has(msg.status)) return;

    const bot = await loadBot(msg.botId).catch(async (err: unknown) => {
      await failForGood(msg.id, err);
      throw err;
    });

    // Read-only first: a message waiting for its turn costs one indexed count, no write.
    if (!(await stores.messages.isHeadOfConversation(msg.conversationKey, msg.id))) throw new DeferJob(deferMs, 'earlier message pending');
    const payload = msg.payload as MessagePayload;
    const conversation = await stores.conversations.upsert({
      tenantId: msg.tenantId,
      botId: msg.botId,
      platformConversationId: payload.conversation.id,
      threadKey: payload.conversation.threadId ?? '',
      type: payload.conversation.type,
    });

    const owner = `${processTag}:${msg.id}:${ctx.attempt}`;
    if (!(await stores.conversations.acquireLock(conversation.id, owner, lockTtlMs))) throw new DeferJob(deferMs, 'conversation busy');

    const renew = setInterval(() => {
      stores.conversations.acquireLock(conversation.id, owner, lockTtlMs).catch(() => undefined);
    }, Math.max(1000, Math.floor(lockTtlMs / 3)));
    renew.unref();
    metrics?.inFlight.inc();
    let finished = false;
    try {
      // Holding the conversation lease makes taking over a message left `running` by a dead worker safe.
      if (!(await stores.messages.claimForWorker(msg.id, ['queued', 'running'], 'running'))) return;
      const outcome = await processLocked(msg, bot, conversation, ctx);
      if (outcome !== 'awaiting_approval') {
        await stores.messages.setStatusForWorker(msg.id, 'replied', { errorCode: null, lastError: null, finished: true });
      }
      finished = true;
      metrics?.processed.inc({ outcome: outcome ?? 'replied' });
      metrics?.processingDuration.observe({ outcome: 'ok' }, (Date.now() - started) / 1000);
    } catch (err) {
      if (ctx.signal?.aborted) {
        // Shutdown aborted this attempt: not a failure of the message. Back to queued; it runs after the restart.
        await stores.messages.setStatusForWorker(msg.id, 'queued', { errorCode: null, lastError: null });
        throw err;
      }
      const hint = retryHintOf(err);
      const permanent = err instanceof PermanentJobError || !hint.retryable;
      metrics?.processingDuration.observe({ outcome: 'error' }, (Date.now() - started) / 1000);
      if (permanent || ctx.isLastAttempt) {
        await failForGood(msg.id, err);
        finished = true;
        if (permanent && !(err instanceof PermanentJobError)) throw new PermanentJobError(errorTextOf(err), { cause: err });
      } else {
        logger.warn({ messageId: msg.id, attempt: ctx.attempt, code: errorCodeOf(err), err: errorTextOf(err) }, 'message attempt failed; will retry');
        await stores.messages.setStatusForWorker(msg.id, 'queued', { errorCode: errorCodeOf(err), lastError: errorTextOf(err) });
      }
      throw err;
    } finally {
      clearInterval(renew);
      metrics?.inFlight.dec();
      await stores.conversations.releaseLock(conversation.id, owner).catch((e: unknown) => logger.warn({ err: e }, 'lock release failed'));
      if (finished) await wakeNext(msg.conversationKey, msg.id);
    }
  }

  /** The conversation's next message has been waiting for this one: start it now instead of at its next look. */
  async function wakeNext(conversationKey: string, afterId: string): Promise<void> {
    try {
      const next = await stores.messages.nextQueuedInConversation(conversationKey, afterId);
      if (next) await deps.queue.wake(next);
    } catch (err) {
      logger.warn({ err: errorTextOf(err) }, 'could not wake the next message; it runs at its next look');
    }
  }

  /** Marks the message failed for good and sends the fallback text once (if the bot still exists). */
  async function failForGood(messageId: string, err: unknown): Promise<void> {
    const msg = await stores.messages.getForWorker(messageId);
    if (!msg || msg.status === 'failed' || msg.status === 'replied') return;
    await stores.messages.setStatusForWorker(messageId, 'failed', { errorCode: errorCodeOf(err), lastError: errorTextOf(err), finished: true });
    metrics?.processed.inc({ outcome: 'failed' });
    logger.error({ messageId, code: errorCodeOf(err), err: errorTextOf(err) }, 'message failed for good');
    try {
      if (await stores.deliveries.findSentForWorker(messageId, 'fallback')) return;
      const bot = await stores.bots.getRuntime(msg.botId);
      if (!bot || !bot.enabled) return;
      const adapter = adapters.get(bot.platform);
      if (!adapter) return;
      let fallback = DEFAULT_FALLBACK_TEXT;
      if (bot.workflowId) {
        const config = await stores.workflows.getConfigForWorker(bot.workflowId);
        if (config) fallback = workflows.behaviour(config).fallbackText;
      }
      const text = userMessageOf(err) ?? fallback;
      await deliver(msg, adapter.sender(bot), toNormalized(msg).replyTarget, { text }, 'fallback', null);
    } catch (sendErr) {
      logger.error({ messageId, err: errorTextOf(sendErr) }, 'fallback text could not be sent');
    }
  }

  return {
    process: processMessage,
    /** For the queue's dead-letter callback: the job died outside process() (e.g. stalled too often). */
    async onDead(job: ProcessJob, err: unknown) {
      await failForGood(job.messageId, err);
    },
  };
}

export type Processor = ReturnType<typeof createProcessor>;
