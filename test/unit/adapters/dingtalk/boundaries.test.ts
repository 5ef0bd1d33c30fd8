import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = (name: string) => readFileSync(fileURLToPath(new URL(`../../../../src/adapters/dingtalk/${name}`, import.meta.url)), 'utf8');
const imports = (code: string) => [...code.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('dingtalk hot-path modules stay pure', () => {
  for (const file of ['verify.ts', 'decode.ts', 'normalize.ts', 'render.ts']) {
    it(`${file} imports no I/O, queue, store or sender code`, () => {
      const found = imports(src(file));
      expect(found.length).toBeGreaterThan(0);
      for (const spec of found) {
        expect(spec).not.toMatch(/store|queue|sender|api-client|token-cache|stream|adapter|axios|\bws\b|node:(http|https|net|fs|dns)|observability|pipeline/);
      }
    });
  }

  it('the DingTalk crypto is the shared implementation with DingTalk parameters', () => {
    const code = readFileSync(fileURLToPath(new URL('../../../../src/crypto/dingtalk-crypto.ts', import.meta.url)), 'utf8');
    expect(imports(code).sort()).toEqual(['./wecom-crypto.js', 'node:crypto']);
    expect(code).not.toMatch(/createCipheriv|createDecipheriv|createHash/);
  });
});
