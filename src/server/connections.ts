/**
 * Long-lived platform connections (Slack Socket Mode, DingTalk Stream) follow the bots in the database: the web
 * role reconciles them at start and then every `intervalMs`, so a bot enabled, disabled or changed by
 * `config apply` (often another process) or the console starts, stops or reconnects without a restart.
 */
import { createHash } from 'node:crypto';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { BotRuntime, ConnectionState, Inbox } from '../adapters/types.js';
import type { Logger } from '../observability/logger.js';

export interface ConnectionSupervisorDeps {
  listEnabled(): Promise<BotRuntime[]>;
  adapters: AdapterRegistry;
  inbox: Inbox;
  logger: Logger;
  /** @defaultValue 10000 */
  intervalMs?: number;
}

export interface ConnectionSupervisor {
  /** Starts what should run and stops what should not; runs one at a time. */
  reconcile(): Promise<void>;
  start(): Promise<void>;
  stop(): void;
  /** The live connections of every adapter, for /readyz. */
  states(): ConnectionState[];
}

const fingerprintOf = (bot: BotRuntime) => createHash('sha256').update(JSON.stringify([bot.platform, bot.mode, bot.credentials, bot.settings])).digest('base64url');

export function createConnectionSupervisor(deps: ConnectionSupervisorDeps): ConnectionSupervisor {
  const running = new Map<string, { platform: string; fingerprint: string; failed: boolean }>();
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function pass(): Promise<void> {
    const bots = await deps.listEnabled();
    const wanted = new Set<string>();
    for (const bot of bots) {
      const adapter = deps.adapters.get(bot.platform);
      if (!adapter?.start) continue;
      wanted.add(bot.id);
      const fingerprint = fingerprintOf(bot);
      const previous = running.get(bot.id);
      if (previous?.fingerprint === fingerprint && !previous.failed) continue;
      if (previous && previous.platform !== bot.platform) await stopConnection(bot.id, previous.platform);
      try {
        await adapter.start(bot, { inbox: deps.inbox });
        running.set(bot.id, { platform: bot.platform, fingerprint, failed: false });
      } catch (err) {
        // Logged once per configuration; retried at every pass.
        if (previous?.fingerprint !== fingerprint) deps.logger.error({ err, botId: bot.id }, 'bot connection failed to start');
        running.set(bot.id, { platform: bot.platform, fingerprint, failed: true });
      }
    }
    for (const [botId, entry] of running) {
      if (wanted.has(botId)) continue;
      running.delete(botId);
      await stopConnection(botId, entry.platform);
      deps.logger.info({ botId }, 'bot connection stopped (bot disabled or removed)');
    }
  }

  async function stopConnection(botId: string, platform: string): Promise<void> {
    await deps.adapters.get(platform)?.stop?.(botId).catch((err: unknown) => deps.logger.warn({ err, botId }, 'bot connection failed to stop'));
  }

  const supervisor: ConnectionSupervisor = {
    reconcile() {
      chain = chain.then(pass).catch((err: unknown) => deps.logger.warn({ err }, 'could not reconcile bot connections; retrying at the next pass'));
      return chain;
    },
    async start() {
      await supervisor.reconcile();
      timer = setInterval(() => void supervisor.reconcile(), deps.intervalMs ?? 10_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    states() {
      return deps.adapters.list().flatMap((a) => a.connectionStates?.() ?? []);
    },
  };
  return supervisor;
}
