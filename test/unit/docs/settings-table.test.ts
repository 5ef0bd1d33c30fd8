import { readFileSync } from 'node:fs';
import { lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../../src/config/schema.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The variable names in the first column of the table under the README's "Configuration" heading. */
function configurationTableVariables(readme: string): string[] {
  const tokens = lexer(readme);
  const heading = tokens.findIndex((t) => t.type === 'heading' && t.text === 'Configuration');
  const table = tokens.slice(heading + 1).find((t): t is Tokens.Table => t.type === 'table' || t.type === 'heading');
  if (!table || table.type !== 'table') return [];
  return table.rows.flatMap((row) => (row[0]?.tokens ?? []).filter((t: Token) => t.type === 'codespan').map((t) => (t as Tokens.Codespan).text));
}

describe('the settings are documented', () => {
  const variables = Object.keys(envSchema.shape);

  it('every environment variable Switchboard reads has a row in the README configuration table', () => {
    const documented = configurationTableVariables(read('README.md'));
    expect(variables.filter((v) => !documented.includes(v))).toEqual([]);
    expect(documented.filter((v) => !variables.includes(v))).toEqual([]);
  });

  it('every one is in .env.example', () => {
    const example = read('.env.example');
    expect(variables.filter((v) => !new RegExp(`^(# )?${v}=`, 'm').test(example))).toEqual([]);
  });
});
