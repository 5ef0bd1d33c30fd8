/**
 * A bot or a workflow named on the command line by its id or by its name; names are unique within a tenant only, so
 * `--tenant <slug>` settles a name two tenants use.
 */
import { ConfigError } from '../errors.js';
import type { BotRecord, Repositories, Tenant } from '../store/repositories/index.js';
import type { WorkflowConfig } from '../workflow-client/types.js';

interface Named {
  id: string;
  name: string;
}

interface Kind {
  /** 'bot' | 'workflow', as the messages say it. */
  noun: string;
  /** The command that lists them. */
  listCommand: string;
  byId(id: string): Promise<{ tenantId: string } | null>;
  inTenant(tenantId: string): Promise<Named[]>;
}

export async function resolveTenant(repos: Repositories, slug: string): Promise<Tenant> {
  const tenant = await repos.tenants.getBySlug(slug);
  if (tenant) return tenant;
  const slugs = (await repos.tenants.list()).map((t) => t.slug);
  throw new ConfigError(`No tenant "${slug}"; tenants: ${slugs.join(', ') || 'none yet'}.`, { code: 'not_found' });
}

async function resolve(repos: Repositories, kind: Kind, ref: string, tenantSlug: string | undefined): Promise<{ id: string; tenant: Tenant }> {
  const only = tenantSlug === undefined ? undefined : await resolveTenant(repos, tenantSlug);
  const tenants = only ? [only] : await repos.tenants.list();
  const byId = await kind.byId(ref);
  const owner = byId && tenants.find((t) => t.id === byId.tenantId);
  if (owner) return { id: ref, tenant: owner };

  const matches: { id: string; tenant: Tenant }[] = [];
  for (const tenant of tenants) {
    for (const item of await kind.inTenant(tenant.id)) if (item.name === ref) matches.push({ id: item.id, tenant });
  }
  const [first, ...others] = matches;
  if (!first) {
    const scope = only ? ` in tenant ${only.slug}` : '';
    throw new ConfigError(`No ${kind.noun} "${ref}"${scope} (by id or name): see ${kind.listCommand}.`, { code: 'not_found' });
  }
  if (others.length > 0) {
    const slugs = matches.map((m) => m.tenant.slug);
    throw new ConfigError(
      `The ${kind.noun} name "${ref}" is used in tenants ${slugs.join(', ')}: add --tenant <slug> (e.g. --tenant ${first.tenant.slug}) or use the id.`,
      { code: 'ambiguous' },
    );
  }
  return first;
}

export async function resolveBot(repos: Repositories, ref: string, tenantSlug?: string): Promise<{ bot: BotRecord; tenant: Tenant }> {
  const { id, tenant } = await resolve(
    repos,
    { noun: 'bot', listCommand: 'switchboard bots list', byId: (id) => repos.bots.getRuntime(id), inTenant: (tenantId) => repos.bots.list(tenantId) },
    ref,
    tenantSlug,
  );
  const bot = await repos.bots.getRuntime(id);
  if (!bot) throw new ConfigError(`The bot "${ref}" was deleted meanwhile.`, { code: 'not_found' });
  return { bot, tenant };
}

export async function resolveWorkflow(repos: Repositories, ref: string, tenantSlug?: string): Promise<{ workflow: WorkflowConfig; tenant: Tenant }> {
  const { id, tenant } = await resolve(
    repos,
    {
      noun: 'workflow',
      listCommand: 'switchboard workflows list',
      byId: (id) => repos.workflows.getConfigForWorker(id),
      inTenant: (tenantId) => repos.workflows.list(tenantId),
    },
    ref,
    tenantSlug,
  );
  const workflow = await repos.workflows.getConfig(tenant.id, id);
  if (!workflow) throw new ConfigError(`The workflow "${ref}" was deleted meanwhile.`, { code: 'not_found' });
  return { workflow, tenant };
}
