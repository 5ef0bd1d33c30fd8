import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DeliveryLog, parseDeliveredParts } from '../adapters/delivery-progress.js';
import type { BotRuntime, NormalizedMessage, PlatformAdapter, Reply, ReplySender, ReplyStream } from '../adapters/types.js';
import { AppError, retryHintOf } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { DeferJob, PermanentJobError, type JobContext, type ProcessJob, type Queue } from '../queue/types.js';
import type { TemplateContext, WorkflowConfig, WorkflowResult } from '../workflow-client/types.js';
import type { MessagePayload } from './inbox.js';
import type { DeliveryKind, PipelineStores, StoredMessage, StoredRun } from './ports.js';
import { budgetSpent, DEFAULT_BUDGET_LIMITS, MessageBudget, type BudgetLimits } from './retry-budget.js';
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
  /** The retry budget of one message (see retry-budget.ts). @defaultValue 8 tries, 300000 ms */
  budget?: BudgetLimits;
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

/** Shown in a stream between two attempts (where the platform lets the stream stay open, it does). */
const RETRY_NOTE = '_Interrupted, trying again…_';

/** How a message's processing ended; `tokens` (the run's total, when the workflow reported it) goes to the outcome log line. */
type Outcome = { kind: 'replied'; warning: string | null; tokens?: number | null } | { kind: 'awaiting_approval'; tokens?: number | null };

function warningOf(warnings: string[]): string | null {
  return warnings.length > 0 ? warnings.join('; ').slice(0, 2000) : null;
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
 * repeated when only the send failed; a part of a reply already on the platform is never sent again, and a message
 * whose text reached the user never gets the fallback; every failure ends as a visible status on the message once
 * its retry budget (tries and time, on the row) is spent, whatever the queue's own attempt counter says.
 */
export function createProcessor(deps: ProcessorDeps) {
  const { stores, adapters, workflows, logger, metrics } = deps;
  const deferMs = deps.deferMs ?? 2000;
  const lockTtlMs = deps.lockTtlMs ?? 30_000;
  const limits = deps.budget ?? DEFAULT_BUDGET_LIMITS;
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
    kind: DeliveryKind,
    runId: string | null,
    stream?: ReplyStream,
  ): Promise<DeliveryLog> {
    // Each attempt starts from the parts the one before put on the platform, and records its own as it goes.
    const carried = await deliveredParts(msg.id, kind);
    const deliveryId = await stores.deliveries.start({ tenantId: msg.tenantId, messageId: msg.id, runId, kind, progress: carried });
    const log = new DeliveryLog(carried, (parts) => stores.deliveries.recordProgress(deliveryId, parts));
    try {
      const ref = stream ? await stream.finish(reply, log) : await sender.send(target, reply, log);
      await stores.deliveries.markSent(deliveryId, { platformMessageId: ref.platformMessageId, ref });
      metrics?.deliveries.inc({ platform: msg.platform, kind, outcome: 'sent' });
      return log;
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
    budget: MessageBudget,
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
          budget,
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

  async function processLocked(
    msg: StoredMessage,
    bot: BotRuntime,
    conversation: { id: string; workflowConversationId: string | null },
    ctx: JobContext,
    budget: MessageBudget,
  ): Promise<Outcome> {
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
        return { kind: 'replied', warning: null };
      }
      const wantsStream = bot.settings.streaming !== false && bot.approvalPolicy !== 'always';
      if (wantsStream && sender.openStream) stream = await sender.openStream(target);
      try {
        const { runId, result } = await runWorkflow(msg, normalized, bot, adapter, config, conversation, ctx, stream, budget);
        if (result.conversationRestarted) await deliver(msg, sender, target, { text: conversationRestartNotice(result.conversationRestartReason) }, 'notice', runId).catch((e: unknown) => logger.warn({ err: errorTextOf(e), messageId: msg.id }, 'could not send the new-conversation notice'));
        run = { id: runId, status: result.humanInput ? 'paused' : 'succeeded', answer: result.answer, files: result.files, totalTokens: result.usage?.totalTokens ?? null, totalPrice: result.usage?.totalPrice ?? null, currency: result.usage?.currency ?? null };
      } catch (err) {
        // The partial answer must not stay on screen as if it were complete. Another attempt follows (or shutdown
        // aborted this one: it runs again after the restart): a note, the stream stays open where ending it is final.
        // None follows: the fallback, where the answer would be.
        if (stream && (ctx.signal?.aborted || retryFollows(err, budget, ctx))) {
          await stream.interrupt(RETRY_NOTE).catch((e: unknown) => logger.warn({ err: e, messageId: msg.id }, 'could not mark the interrupted stream'));
        } else if (stream) {
          await stream
            .fail({ text: userMessageOf(err) ?? behaviour.fallbackText })
            .then(async (ref) => {
              const id = await stores.deliveries.start({ tenantId: msg.tenantId, messageId: msg.id, runId: null, kind: 'fallback' });
              await stores.deliveries.markSent(id, { platformMessageId: ref.platformMessageId, ref });
            })
            .catch((e: unknown) => logger.warn({ err: e, messageId: msg.id }, 'could not show the fallback in the stream'));
        }
        throw err;
      }
    }

    if (bot.approvalPolicy === 'always') {
      await stores.approvals.create({ tenantId: msg.tenantId, messageId: msg.id, runId: run.id, draft: run.answer ?? '' });
      await stores.messages.setStatusForWorker(msg.id, 'awaiting_approval', { errorCode: null, lastError: null });
      return { kind: 'awaiting_approval', tokens: run.totalTokens };
    }

    if (await stores.deliveries.findSentForWorker(msg.id, 'reply')) {
      return { kind: 'replied', warning: warningOf(new DeliveryLog(await deliveredParts(msg.id, 'reply')).warnings), tokens: run.totalTokens };
    }
    const reply: Reply = {
      text: run.answer ?? '',
      files: Array.isArray(run.files) ? (run.files as Reply['files']) : undefined,
      footer: bot.settings.usageFooter === true ? usageFooter(run) : undefined,
    };
    const log = await deliver(msg, sender, target, reply, 'reply', run.id, stream);
    return { kind: 'replied', warning: warningOf(log.warnings), tokens: run.totalTokens };
  }

  async function deliveredParts(messageId: string, kind: DeliveryKind) {
    return parseDeliveredParts(await stores.deliveries.progressOf(messageId, kind));
  }

  /** Whether a failed attempt is followed by another: the failure may pass, and the message's budget allows it. */
  function retryFollows(err: unknown, budget: MessageBudget, ctx: JobContext): boolean {
    if (err instanceof PermanentJobError || !retryHintOf(err).retryable) return false;
    return !budget.spent && !ctx.isLastAttempt;
  }

  async function processMessage(job: ProcessJob, ctx: JobContext): Promise<void> {
    const started = Date.now();
    const msg = await stores.messages.getForWorker(job.messageId);
    if (!msg || TERMINAL.has(msg.status)) return;

    const bot = await loadBot(msg.botId).catch(async (err: unknown) => {
      await endForGood(msg.id, err);
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
    let budget: MessageBudget | undefined;
    try {
      if (budgetSpent(msg, limits)) {
        // A try cut short (the process died during it), or the time ran out while it waited: no further try.
        logger.warn({ messageId: msg.id, attempts: msg.attempts, firstAttemptAt: msg.firstAttemptAt }, 'retry budget spent before this attempt');
        await endForGood(msg.id, new PermanentFailure(msg.errorCode ?? 'retry_budget_spent', msg.lastError ?? 'the retry budget of the message was spent'));
        finished = true;
        return;
      }
      const firstAttemptAt = msg.firstAttemptAt ?? new Date();
      // Holding the conversation lease makes taking over a message left `running` by a dead worker safe.
      if (!(await stores.messages.claimForWorker(msg.id, ['queued', 'running'], 'running', msg.firstAttemptAt ? {} : { firstAttemptAt }))) return;
      budget = new MessageBudget(msg.id, msg.attempts + 1, firstAttemptAt.getTime(), limits, () => stores.messages.addAttempt(msg.id));
      const outcome = await processLocked(msg, bot, conversation, ctx, budget);
      if (outcome.kind === 'replied') {
        await stores.messages.setStatusForWorker(msg.id, 'replied', { errorCode: null, lastError: null, warning: outcome.warning, finished: true });
      }
      finished = true;
      // One line per message outcome at info: what an operator reads to answer "did the bot answer?".
      logger.info(
        { messageId: msg.id, botId: msg.botId, platform: msg.platform, outcome: outcome.kind, latencyMs: Date.now() - msg.receivedAt.getTime(), tries: budget.tries, tokens: outcome.tokens ?? undefined, ...(outcome.kind === 'replied' && outcome.warning ? { warning: outcome.warning } : {}) },
        outcome.kind === 'replied' ? 'message replied' : 'message awaiting approval',
      );
      metrics?.processed.inc({ outcome: outcome.kind });
      metrics?.processingDuration.observe({ outcome: 'ok' }, (Date.now() - started) / 1000);
    } catch (err) {
      if (ctx.signal?.aborted) {
        // Shutdown aborted this attempt: not a failure of the message. Back to queued; it runs after the restart.
        await stores.messages.setStatusForWorker(msg.id, 'queued', { errorCode: null, lastError: null });
        throw err;
      }
      metrics?.processingDuration.observe({ outcome: 'error' }, (Date.now() - started) / 1000);
      if (budget && retryFollows(err, budget, ctx)) {
        logger.warn({ messageId: msg.id, attempt: ctx.attempt, code: errorCodeOf(err), err: errorTextOf(err) }, 'message attempt failed; will retry');
        await stores.messages.setStatusForWorker(msg.id, 'queued', { errorCode: errorCodeOf(err), lastError: errorTextOf(err) });
        throw err;
      }
      const ended = await endForGood(msg.id, err);
      finished = true;
      // The message is over: the queue must not retry it (a reply that reached the user completes the job).
      if (ended === 'replied') return;
      if (err instanceof PermanentJobError) throw err;
      throw new PermanentJobError(errorTextOf(err), { cause: err });
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

  /**
   * Ends a message no further attempt will serve. When its reply reached the user (all of it, or its text so far)
   * it ends `replied` with a warning saying what is missing: a fallback would contradict the answer. Otherwise it
   * ends `failed` and the fallback text is sent once (if the bot still exists).
   */
  async function endForGood(messageId: string, err: unknown): Promise<'replied' | 'failed' | undefined> {
    const msg = await stores.messages.getForWorker(messageId);
    if (!msg || msg.status === 'failed' || msg.status === 'replied') return undefined;
    const reply = new DeliveryLog(await deliveredParts(messageId, 'reply'));
    if (reply.textDelivered) {
      const sent = await stores.deliveries.findSentForWorker(messageId, 'reply');
      const missing = sent ? [] : [`reply incomplete (${errorCodeOf(err)}): ${errorTextOf(err)}`];
      const warning = warningOf([...reply.warnings, ...missing]);
      await stores.messages.setStatusForWorker(messageId, 'replied', { errorCode: null, lastError: null, warning, finished: true });
      metrics?.processed.inc({ outcome: 'replied' });
      logger.warn({ messageId, warning }, 'message ended replied: its text reached the user, the rest could not be delivered');
      return 'replied';
    }
    await stores.messages.setStatusForWorker(messageId, 'failed', { errorCode: errorCodeOf(err), lastError: errorTextOf(err), finished: true });
    metrics?.processed.inc({ outcome: 'failed' });
    logger.error(
      { messageId, botId: msg.botId, platform: msg.platform, outcome: 'failed', code: errorCodeOf(err), err: errorTextOf(err), latencyMs: Date.now() - msg.receivedAt.getTime(), tries: msg.attempts },
      'message failed for good',
    );
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
    return 'failed';
  }

  return {
    process: processMessage,
    /** For the queue's dead-letter callback: the job died outside process() (e.g. stalled too often). */
    async onDead(job: ProcessJob, err: unknown) {
      await endForGood(job.messageId, err);
    },
  };
}

export type Processor = ReturnType<typeof createProcessor>;
