import type { PlatformAdapter } from '../../adapters/types.js';
import { jsonSchemaOf } from '../openapi.js';

type JsonSchema = Record<string, unknown>;

function properties(schema: JsonSchema): Record<string, JsonSchema> {
  const props = schema.properties;
  return props !== null && typeof props === 'object' ? (props as Record<string, JsonSchema>) : {};
}

/**
 * The JSON Schema of a mode's credentials, from the adapter's own zod schema; fields the adapter marks secret
 * (`.meta({ secret: true })`) are `writeOnly`: the API never returns them.
 */
export function credentialsJsonSchema(adapter: PlatformAdapter, mode: string): JsonSchema {
  const schema = jsonSchemaOf(adapter.credentialsSchema(mode), 'input');
  for (const field of Object.values(properties(schema))) {
    if (field.secret === true) {
      delete field.secret;
      field.writeOnly = true;
    }
  }
  return schema;
}

export function settingsJsonSchema(adapter: PlatformAdapter, mode: string): JsonSchema {
  return jsonSchemaOf(adapter.settingsSchema(mode), 'input');
}

/**
 * The credential fields that may be shown in clear: those the adapter declares and does not mark secret. Anything
 * else (a secret, or a field the adapter does not know) is masked.
 */
export function visibleCredentialFields(adapter: PlatformAdapter | undefined, mode: string): Set<string> {
  if (!adapter || !adapter.modes.includes(mode)) return new Set();
  const props = properties(jsonSchemaOf(adapter.credentialsSchema(mode), 'input'));
  return new Set(Object.entries(props).flatMap(([name, field]) => (field.secret === true ? [] : [name])));
}
