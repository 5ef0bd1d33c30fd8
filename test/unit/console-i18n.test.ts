/**
 * The console's own texts: every key exists in every language, nothing is empty, and each translation uses the same
 * placeholders ({{count}}) as the English text, so no page shows a raw key or a half-filled sentence.
 */
import { describe, expect, it } from 'vitest';
import enUS from '../../admin-ui/src/i18n/locales/en-US.json' with { type: 'json' };
import zhCN from '../../admin-ui/src/i18n/locales/zh-CN.json' with { type: 'json' };

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('console texts (admin-ui/src/i18n/locales)', () => {
  const english = leaves(enUS);
  const chinese = leaves(zhCN);

  it('has the same keys in zh-CN and en-US', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('has no empty text', () => {
    const empty = [...english, ...chinese].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in every language', () => {
    const mismatched = [...english].filter(([key, text]) => JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(chinese.get(key) ?? '')));
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });
});
