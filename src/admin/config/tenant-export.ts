import { visibleCredentialFields } from '../bots/platform-schemas.js';
import type { AdapterRegistry } from '../../adapters/registry.js';
import type { Repositories } from '../../store/repositories/index.js';
import { exportDeclarativeConfig, type ExportResult } from '../../config/declarative-export.js';

/** Reads one tenant's workflows and bots and renders them as a declarative config file (no secret values). */
export async function exportTenant(
  deps: { repos: Pick<Repositories, 'workflows' | 'bots'>; adapters: AdapterRegistry },
  tenant: { id: string; slug: string; name: string },
): Promise<ExportResult> {
  const [workflows, bots] = await Promise.all([deps.repos.workflows.list(tenant.id), deps.repos.bots.listRecords(tenant.id)]);
  return exportDeclarativeConfig({
    tenant,
    workflows,
    bots: bots.map((bot) => ({ ...bot, visibleCredentials: visibleCredentialFields(deps.adapters.get(bot.platform), bot.mode) })),
  });
}
