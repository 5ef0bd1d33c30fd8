import { z } from 'zod';
import type { AdapterRegistry } from '../../adapters/registry.js';
import type { BotRuntime, CheckReport } from '../../adapters/types.js';
import { egressDenialIn } from '../../egress/index.js';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import { AppMetadataCache, BreakerRegistry, createWorkflowClient, LimiterRegistry } from '../../workflow-client/index.js';
import type { WorkflowConfig } from '../../workflow-client/types.js';

export const checkReportSchema = z.object({
  ok: z.boolean().meta({ description: 'every item passed' }),
  items: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      detail: z.string().meta({ description: 'one sentence; on failure it says what to fix' }),
    }),
  ),
  setup: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'what to paste where on the platform: callback URL, Token and EncodingAESKey (WeCom), manifest (Slack)' }),
});

function failed(name: string, detail: string): CheckReport {
  return { ok: false, items: [{ name, ok: false, detail }] };
}

/**
 * Runs one check. A refused outbound call, an invalid stored configuration or any other failure is a failed item
 * with a sentence (never a 500): the test's answer is the report.
 */
async function runCheck(name: string, logger: Logger, check: () => Promise<CheckReport>): Promise<CheckReport> {
  try {
    return await check();
  } catch (err) {
    const denied = egressDenialIn(err);
    if (denied) return failed(name, `${denied.message}.`);
    if (err instanceof ConfigError) return failed(name, err.message);
    logger.warn({ errName: err instanceof Error ? err.name : typeof err, code: (err as { code?: unknown }).code }, 'connection check failed unexpectedly');
    return failed(name, 'The check failed unexpectedly; see the server log for details.');
  }
}

/** The platform adapter's own connection check of a bot (credentials decrypted in-process, never returned). */
export function checkBot(adapters: AdapterRegistry, bot: BotRuntime, logger: Logger): Promise<CheckReport> {
  const adapter = adapters.get(bot.platform);
  if (!adapter) return Promise.resolve(failed('Platform', `The platform ${bot.platform} is not available in this build.`));
  return runCheck('Connection', logger, () => adapter.checkConnection(bot));
}

/**
 * The workflow client's check of a binding. Its breaker, concurrency cap and app metadata are its own, so a test
 * with a wrong key neither opens the live workflow's breaker nor leaves stale metadata behind.
 */
export function checkWorkflow(config: WorkflowConfig, logger: Logger): Promise<CheckReport> {
  return runCheck('Workflow', logger, () =>
    createWorkflowClient(config, {
      logger,
      breakerRegistry: new BreakerRegistry(),
      limiterRegistry: new LimiterRegistry(),
      metadataCache: new AppMetadataCache(),
    }).check(),
  );
}
