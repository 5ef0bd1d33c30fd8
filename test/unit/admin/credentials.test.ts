import { describe, expect, it } from 'vitest';
import { maskCredentials, mergeCredentials } from '../../../src/admin/bots/validate-bot.js';

describe('write-only credentials', () => {
  const stored = { corpId: 'wwcorp', secret: 'a-long-stored-secret-value', token: 'short' };

  it('masks every field not declared visible', () => {
    expect(maskCredentials(stored, new Set(['corpId']))).toEqual({ corpId: 'wwcorp', secret: '••••alue', token: '••••' });
    expect(maskCredentials(stored, new Set())).toEqual({ corpId: '••••', secret: '••••alue', token: '••••' });
  });

  it('merges an update: masks sent back keep stored values, null removes, new values replace, absent fields stay', () => {
    const shown = maskCredentials(stored, new Set(['corpId']));
    expect(mergeCredentials(stored, shown)).toEqual(stored);
    expect(mergeCredentials(stored, { secret: 'replacement', token: null })).toEqual({ corpId: 'wwcorp', secret: 'replacement' });
    // A mask is only a mask for the field it came from.
    expect(mergeCredentials(stored, { newField: '••••' })).toEqual({ ...stored, newField: '••••' });
  });
});
