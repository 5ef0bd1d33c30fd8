import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../src/adapters/wecom/${name}`, import.meta.url)), 'utf8');
const imports = (code: string) => [...code.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('wecom hot-path modules stay pure', () => {
  for (const file of ['verify.ts', 'decode.ts', 'normalize.ts']) {
    it(`${file} imports no I/O, queue, store or sender code`, () => {
      const found = imports(src(file));
      expect(found.length).toBeGreaterThan(0);
      for (const spec of found) {
        expect(spec).not.toMatch(/store|queue|sender|api-client|token-cache|smart-bot|adapter|axios|node:(http|https|net|fs|dns)|observability|pipeline/);
      }
    });
  }

  it('crypto imports nothing but node:crypto and the shared error base', () => {
    const code = readFileSync(fileURLToPath(new URL('../../../../src/crypto/wecom-crypto.ts', import.meta.url)), 'utf8');
    expect(imports(code).sort()).toEqual(['../errors.js', './constant-time.js', 'node:crypto']);
  });
});
