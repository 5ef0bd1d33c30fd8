import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime } from '../../../src/main.js';
import { capturingLogger } from '../adapters/wecom/support.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the embedded default keeps its files private', () => {
  it('creates the data folder 0700, the database and its WAL files 0600, the key file 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'switchboard-modes-'));
    dirs.push(root);
    const dataDir = join(root, 'data');
    const { logger, lines } = capturingLogger();
    const runtime = await buildRuntime(loadConfig({ SWITCHBOARD_DATA_DIR: dataDir }), { logger });
    try {
      await runtime.repos.tenants.upsertBySlug({ slug: 'acme', name: 'Acme' });
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'switchboard.db'))).toBe(0o600);
      expect(existsSync(join(dataDir, 'switchboard.db-wal'))).toBe(true);
      expect(modeOf(join(dataDir, 'switchboard.db-wal'))).toBe(0o600);
      expect(modeOf(join(dataDir, 'secret.key'))).toBe(0o600);
      expect(lines.join('')).not.toMatch(/readable by other users/);
    } finally {
      await runtime.close();
    }
  });

  it('tightens a database an older version left 0644, and warns about a key file others can read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-modes-'));
    dirs.push(dataDir);
    const db = join(dataDir, 'switchboard.db');
    writeFileSync(db, '');
    chmodSync(db, 0o644);
    writeFileSync(join(dataDir, 'secret.key'), `v1:${Buffer.alloc(32, 3).toString('base64')}\n`, { mode: 0o644 });
    chmodSync(join(dataDir, 'secret.key'), 0o644);
    const { logger, lines } = capturingLogger();
    const runtime = await buildRuntime(loadConfig({ SWITCHBOARD_DATA_DIR: dataDir }), { logger });
    await runtime.close();
    expect(modeOf(db)).toBe(0o600);
    const warning = lines.map((l) => JSON.parse(l) as { level: string; msg: string }).find((l) => /readable by other users/.test(l.msg));
    expect(warning?.level).toBe('warn');
    expect(warning?.msg).toMatch(/chmod 600/);
  });
});
