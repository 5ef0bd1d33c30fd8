import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { describeDatabase, explainDatabaseError } from '../../../src/cli/database.js';
import { renderError, UsageError } from '../../../src/cli/errors.js';
import { ConfigError } from '../../../src/errors.js';
import { parseDatabaseUrl } from '../../../src/store/database-url.js';

const pg = parseDatabaseUrl('postgresql://app:s3cret-pw@db.internal:6543/switchboard?schema=tenant_a');

function connectError(port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 10.0.0.5:${port}`), { code: 'ECONNREFUSED', address: '10.0.0.5', port, syscall: 'connect' });
}

describe('describeDatabase', () => {
  it('names user, host, port, database and schema, never the password', () => {
    expect(describeDatabase(pg)).toBe('PostgreSQL app@db.internal:6543/switchboard, schema tenant_a');
    expect(describeDatabase(parseDatabaseUrl('file:/srv/sb/data/switchboard.db'))).toBe('SQLite /srv/sb/data/switchboard.db');
  });
});

describe('explainDatabaseError', () => {
  it("turns a refused connection to the database's port, however deep in the causes, into one sentence", () => {
    const wrapped = new Error('migration runner failed', { cause: new AggregateError([connectError(6543)], 'connect failed') });
    const explained = explainDatabaseError(wrapped, pg);
    expect(explained).toBeInstanceOf(ConfigError);
    expect((explained as Error).message).toBe(
      'Cannot reach the PostgreSQL database at db.internal:6543 (connection refused): check DATABASE_URL and that the server is running and reachable from here.',
    );
    expect((explained as Error).message).not.toContain('s3cret-pw');
  });

  it('leaves a refused connection to another port (Redis) alone', () => {
    const redis = connectError(6379);
    expect(explainDatabaseError(redis, pg)).toBe(redis);
  });

  it('names a SQLite file that cannot be written', () => {
    const sqlite = parseDatabaseUrl('file:/srv/sb/data/switchboard.db');
    const prisma = Object.assign(new Error('Invalid `this.db.tenant.update()` invocation\n\nattempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    expect((explainDatabaseError(prisma, sqlite) as Error).message).toMatch(/^Cannot use the SQLite database \/srv\/sb\/data\/switchboard\.db \(SQLITE_READONLY\): make it and its folder writable/);
  });

  it('names a refused login and a missing database', () => {
    const login = Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
    expect((explainDatabaseError(login, pg) as Error).message).toMatch(/db\.internal:6543 answered, but the login was refused.*DATABASE_URL/);
    const missing = Object.assign(new Error('database "switchboard" does not exist'), { code: '3D000' });
    expect((explainDatabaseError(missing, pg) as Error).message).toMatch(/the database does not exist/);
  });
});

describe('renderError', () => {
  it('a usage error: one line with the command to ask for help', () => {
    const usage = new UsageError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), 'switchboard bots list');
    expect(renderError(usage, { verbose: false })).toEqual({ text: `switchboard: unknown option '--x' (see "switchboard bots list --help")\n`, exitCode: 1 });
  });

  it('help and version already printed: nothing to add, their exit code', () => {
    const help = new UsageError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 'switchboard');
    expect(renderError(help, { verbose: false })).toEqual({ text: '', exitCode: 0 });
  });

  it('an unexpected error: its message on one line and where the details are; the stack only with --verbose', () => {
    const err = new Error('something\nbroke');
    const quiet = renderError(err, { verbose: false });
    expect(quiet).toEqual({ text: 'switchboard: something broke (run again with --verbose for details)\n', exitCode: 1 });
    expect(renderError(err, { verbose: true }).text).toMatch(/^\s+at /m);
  });

  it("a Prisma error: the reason (its last line), not the source frame before it", () => {
    const err = new Error('\nInvalid `this.db.bot.findMany()` invocation in\n/x/bots.ts:66:40\n\n  65 ...\n→ 66 ...\nThe table `main.bots` does not exist in the current database.');
    err.name = 'PrismaClientKnownRequestError';
    expect(renderError(err, { verbose: false }).text).toBe(
      'switchboard: The table `main.bots` does not exist in the current database. (run again with --verbose for details)\n',
    );
  });

  it('a port in use names the port and the variable to change', () => {
    const err = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen', address: '0.0.0.0', port: 3000 });
    expect(renderError(err, { verbose: false }).text).toBe(
      'switchboard: Port 3000 on 0.0.0.0 is already in use: stop the program using it, or set PORT (and HOST) to a free one.\n',
    );
  });
});
