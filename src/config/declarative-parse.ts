import { LineCounter, isScalar, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { describeIssues, yamlSource, type ConfigPath as Path } from './config-source.js';
import { declarativeSchema, type DeclarativeConfig } from './declarative-schema.js';

/** Field names whose values must come from the environment, never from the file. */
const SECRET_FIELD = /secret|token|key|password/i;
const ENV_REF = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
const ENV_REF_ANYWHERE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/** Whether the value at this path is a secret: a workflow's apiKey, or a credential named like secret/token/key/password. */
export function isSecretField(path: Path): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && (last === 'apiKey' || (path.includes('credentials') && SECRET_FIELD.test(last)));
}

/**
 * Resolves a secret's `${ENV}` reference without the environment (an apply over HTTP: the reference means "keep the
 * stored value"). Gets the secret's path and the whole unvalidated document; undefined when there is no stored value.
 */
export type SecretReferenceResolver = (path: Path, document: unknown) => string | undefined;

/**
 * Parses a declarative config file: YAML → `${ENV}` references resolved → validated. Every error names the line and
 * the field; an unknown key also names the closest valid one. Secrets (apiKey, credentials fields named like
 * secret/token/key/password) must be `${ENV}` references; with `keepStored`, those are resolved by it instead of env.
 */
export function parseDeclarativeConfig(
  text: string,
  env: NodeJS.ProcessEnv,
  file = 'config',
  opts: { keepStored?: SecretReferenceResolver } = {},
): DeclarativeConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source = yamlSource(doc, lineCounter, file);
  const { where } = source;
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new ConfigError(`${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`);
  }

  const problems: string[] = [];
  const raw = doc.toJS({ maxAliasCount: 50 }) as unknown;
  const resolveRefs = (value: unknown, path: Path): unknown => {
    if (typeof value === 'string') {
      const isSecret = isSecretField(path);
      if (isSecret && !ENV_REF.test(value)) {
        problems.push(`${where(path)}: secrets must be given as \${ENV_VAR} references, not written in the file`);
        return value;
      }
      if (isSecret && opts.keepStored) {
        const stored = opts.keepStored(path, raw);
        if (stored === undefined) problems.push(`${where(path)}: no stored value to keep for this secret (set it first, e.g. in the console)`);
        return stored ?? '';
      }
      return value.replace(ENV_REF_ANYWHERE, (_m, name: string) => {
        const resolved = env[name];
        if (resolved === undefined || resolved === '') {
          problems.push(`${where(path)}: environment variable ${name} is not set`);
          return '';
        }
        return resolved;
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => resolveRefs(v, [...path, i]));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') {
          problems.push(`${where([...path, k])}: reserved key`);
          continue;
        }
        out[k] = resolveRefs(v, [...path, k]);
      }
      return out;
    }
    return value;
  };

  const resolved = resolveRefs(raw ?? {}, []);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const parsed = declarativeSchema.safeParse(resolved);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, [], source).join('\n'));
  const references = checkReferences(parsed.data);
  if (references.length > 0) throw new ConfigError(references.map((d) => `${where(d.path)}: ${d.problem}`).join('\n'));
  if (isScalar(doc.contents)) throw new ConfigError(`${file}: expected a mapping at the top level`);
  return { ...parsed.data, source };
}

/** Names unique where they must be; bots point at workflows of their own tenant. */
function checkReferences(config: DeclarativeConfig): { path: Path; problem: string }[] {
  const out: { path: Path; problem: string }[] = [];
  const seenTenants = new Set<string>();
  const seenBotIds = new Set<string>();
  config.tenants.forEach((tenant, t) => {
    if (seenTenants.has(tenant.slug)) out.push({ path: ['tenants', t, 'slug'], problem: `duplicate tenant "${tenant.slug}"` });
    seenTenants.add(tenant.slug);
    for (const list of ['workflows', 'bots'] as const) {
      const seen = new Set<string>();
      tenant[list].forEach((item, i) => {
        if (seen.has(item.name)) out.push({ path: ['tenants', t, list, i, 'name'], problem: `duplicate name "${item.name}"` });
        seen.add(item.name);
      });
    }
    tenant.bots.forEach((bot, b) => {
      if (bot.workflow && !tenant.workflows.some((w) => w.name === bot.workflow)) {
        out.push({ path: ['tenants', t, 'bots', b, 'workflow'], problem: `no workflow named "${bot.workflow}" in tenant ${tenant.slug}` });
      }
      if (!bot.id) return;
      if (seenBotIds.has(bot.id)) out.push({ path: ['tenants', t, 'bots', b, 'id'], problem: `duplicate bot id "${bot.id}"` });
      seenBotIds.add(bot.id);
    });
  });
  return out;
}
