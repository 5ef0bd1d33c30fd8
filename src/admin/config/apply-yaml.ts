import type { ConfigPath } from '../../config/config-source.js';
import { applyDeclarativeConfig, type ApplyReport } from '../../config/declarative-apply.js';
import { parseDeclarativeConfig, type SecretReferenceResolver } from '../../config/declarative-parse.js';
import type { DeclarativeConfig } from '../../config/declarative-schema.js';
import { ConfigError } from '../../errors.js';
import { StoreError } from '../../store/errors.js';
import type { AdminDeps } from '../deps.js';
import { conflict, conflictOnDuplicate, notFound, ValidationError, type FieldIssue } from '../http/errors.js';

/** How a posted file is named in messages. */
export const POSTED_FILE = 'config.yaml';

/**
 * Applies a posted declarative config to one tenant. The file describes that tenant only (its slug). There is no
 * environment: a secret's `${ENV}` reference means "keep the stored value" (what an exported file says), so a file
 * can round-trip without secrets. Problems answer 422 with the line and field of each.
 */
export async function applyTenantYaml(deps: AdminDeps, tenantId: string, text: string): Promise<ApplyReport> {
  const tenant = await deps.repos.tenants.get(tenantId);
  if (!tenant) throw notFound('tenant');
  const keepStored = await storedSecrets(deps, tenant.id, tenant.slug);
  // Never the process's environment: a reference must not read the server's own variables into a tenant's config.
  const config = asValidation(() => parseDeclarativeConfig(text, {}, POSTED_FILE, { keepStored }));
  const foreign = config.tenants.flatMap((t, i) => (t.slug === tenant.slug ? [] : [i]));
  if (config.tenants.length !== 1 || foreign.length > 0) {
    const at: ConfigPath = foreign.length > 0 ? ['tenants', foreign[0] as number, 'slug'] : ['tenants'];
    throw toValidationError(new ConfigError(`${where(config, at)}: this file must describe exactly one tenant, slug ${tenant.slug} (the tenant of this URL)`));
  }
  let report: ApplyReport;
  try {
    report = await conflictOnDuplicate(
      applyDeclarativeConfig(config, { stores: deps.repos, adapters: deps.adapters, publicBaseUrl: deps.publicBaseUrl }),
      'id_taken',
      'a bot id in the file belongs to another bot',
    );
  } catch (err) {
    if (err instanceof ConfigError) throw toValidationError(err);
    if (err instanceof StoreError && err.code === 'id_conflict') throw conflict('id_conflict', err.message);
    throw err;
  }
  for (const change of report.changed) if (change.kind === 'bot') await deps.botChanges.announce(change.id);
  return report;
}

function where(config: DeclarativeConfig, path: ConfigPath): string {
  return config.source ? config.source.where(path) : `${POSTED_FILE} ${path.join('.')}`;
}

/** The tenant's stored secrets, looked up by the path of a reference in the posted (not yet validated) document. */
async function storedSecrets(deps: AdminDeps, tenantId: string, slug: string): Promise<SecretReferenceResolver> {
  const workflows = new Map<string, string>();
  for (const summary of await deps.repos.workflows.list(tenantId)) {
    const full = await deps.repos.workflows.getConfig(tenantId, summary.id);
    if (full) workflows.set(full.name, full.apiKey);
  }
  const bots = new Map((await deps.repos.bots.listRecords(tenantId)).map((bot) => [bot.name, bot.credentials]));
  return (path, document) => {
    const [top, t, list, i, field, credential] = path;
    if (top !== 'tenants' || typeof t !== 'number' || typeof i !== 'number') return undefined;
    const tenant = (document as { tenants?: { slug?: unknown; workflows?: { name?: unknown }[]; bots?: { name?: unknown }[] }[] }).tenants?.[t];
    if (tenant?.slug !== slug) return undefined;
    if (list === 'workflows' && field === 'apiKey' && path.length === 5) return workflows.get(String(tenant.workflows?.[i]?.name));
    if (list === 'bots' && field === 'credentials' && typeof credential === 'string' && path.length === 6) return bots.get(String(tenant.bots?.[i]?.name))?.[credential];
    return undefined;
  };
}

function asValidation<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw toValidationError(err);
    throw err;
  }
}

const LINE = /^config\.yaml(?::(\d+))?(?: ([^:\s]*))?: (.*)$/;

/** One field issue per line of a config error: `config.yaml:12 tenants[0].bots[1].mode: …` → line 12, that path. */
export function toValidationError(err: ConfigError): ValidationError {
  const fields: FieldIssue[] = err.message.split('\n').map((text) => {
    const match = LINE.exec(text);
    if (!match) return { in: 'body', path: '', code: 'invalid', message: text };
    const [, line, path, message] = match;
    return { in: 'body', path: path ?? '', code: 'invalid', message: message ?? text, ...(line ? { line: Number(line) } : {}) };
  });
  return new ValidationError(fields);
}
