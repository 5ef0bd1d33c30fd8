import { hookPath, hookUrl } from '../adapters/hook-url.js';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { Platform } from '../core/platform.js';
import { closestName } from '../core/strict-object.js';
import { ConfigError } from '../errors.js';
import type { BotRepository, TenantRepository, WorkflowRepository } from '../store/repositories/index.js';
import { describeIssues, pathOnlySource } from './config-source.js';
import type { DeclarativeConfig } from './declarative-schema.js';

/** The repository methods applying a config needs. */
export interface DeclarativeStores {
  tenants: Pick<TenantRepository, 'upsertBySlug'>;
  workflows: Pick<WorkflowRepository, 'upsert'>;
  bots: Pick<BotRepository, 'upsert'>;
}

export interface ApplyReport {
  changed: { kind: 'tenant' | 'workflow' | 'bot'; name: string; id: string }[];
  unchanged: number;
  bots: {
    tenant: string;
    name: string;
    id: string;
    platform: Platform;
    mode: string;
    hookPath: string;
    /** PUBLIC_BASE_URL + hookPath; absent when the public base URL is not known. */
    fullUrl?: string;
  }[];
}

/**
 * Applies a parsed declarative config: creates or updates tenants, workflows and bots in place, matched by name.
 * Idempotent: applying the same file twice changes nothing. Credentials and settings are validated by the bot's
 * platform adapter before anything is written; each problem names the file and line when the config has a source.
 */
export async function applyDeclarativeConfig(
  config: DeclarativeConfig,
  deps: { stores: DeclarativeStores; adapters: AdapterRegistry; publicBaseUrl?: string },
): Promise<ApplyReport> {
  const { stores, adapters, publicBaseUrl } = deps;
  const source = config.source ?? pathOnlySource;
  const problems: string[] = [];
  const validated = config.tenants.map((tenant, t) =>
    tenant.bots.map((bot, b) => {
      const at = ['tenants', t, 'bots', b];
      const adapter = adapters.get(bot.platform);
      if (!adapter) {
        problems.push(`${source.where([...at, 'platform'])}: platform ${bot.platform} is not available in this build`);
        return undefined;
      }
      if (!adapter.modes.includes(bot.mode)) {
        const suggestion = closestName(bot.mode, adapter.modes);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
        problems.push(`${source.where([...at, 'mode'])}: ${bot.platform} supports ${adapter.modes.join(', ')}; got "${bot.mode}"${hint}`);
        return undefined;
      }
      const credentials = adapter.credentialsSchema(bot.mode).safeParse(bot.credentials);
      const settings = adapter.settingsSchema(bot.mode).safeParse(bot.settings);
      for (const [field, result] of [['credentials', credentials], ['settings', settings]] as const) {
        // Paths and expectations only: values may be secrets.
        if (!result.success) problems.push(...describeIssues(result.error.issues, [...at, field], source));
      }
      if (!credentials.success || !settings.success) return undefined;
      return { credentials: credentials.data, settings: settings.data };
    }),
  );
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const report: ApplyReport = { changed: [], unchanged: 0, bots: [] };
  for (const [t, tenant] of config.tenants.entries()) {
    const { id: tenantId } = await stores.tenants.upsertBySlug({ slug: tenant.slug, name: tenant.name });
    const workflowIds = new Map<string, string>();
    for (const wf of tenant.workflows) {
      const { id, changed } = await stores.workflows.upsert({
        tenantId,
        name: wf.name,
        kind: wf.kind,
        baseUrl: wf.baseUrl,
        apiKey: wf.apiKey,
        inputMapping: wf.inputs,
        outputSelector: wf.output ?? null,
        responseMode: wf.responseMode,
        timeoutMs: wf.timeoutMs,
        settings: wf.settings,
      });
      workflowIds.set(wf.name, id);
      if (changed) report.changed.push({ kind: 'workflow', name: `${tenant.slug}/${wf.name}`, id });
      else report.unchanged++;
    }
    for (const [b, bot] of tenant.bots.entries()) {
      const valid = validated[t]?.[b];
      if (!valid) continue;
      const { id, changed } = await stores.bots.upsert({
        id: bot.id,
        tenantId,
        name: bot.name,
        platform: bot.platform,
        mode: bot.mode,
        credentials: valid.credentials,
        settings: valid.settings,
        enabled: bot.enabled,
        workflowId: bot.workflow ? (workflowIds.get(bot.workflow) ?? null) : null,
        approvalPolicy: bot.approval,
      });
      if (changed) report.changed.push({ kind: 'bot', name: `${tenant.slug}/${bot.name}`, id });
      else report.unchanged++;
      report.bots.push({
        tenant: tenant.slug,
        name: bot.name,
        id,
        platform: bot.platform,
        mode: bot.mode,
        hookPath: hookPath(bot.platform, id),
        ...(publicBaseUrl ? { fullUrl: hookUrl(publicBaseUrl, bot.platform, id) } : {}),
      });
    }
  }
  return report;
}
