import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { exportTenant } from '../../admin/config/tenant-export.js';
import { applyDeclarativeConfig, type ApplyReport } from '../../config/declarative-apply.js';
import { parseDeclarativeConfig } from '../../config/declarative-parse.js';
import { loadConfig } from '../../config/load.js';
import { callbackCell } from '../callback.js';
import { assertReadableFile } from '../files.js';
import { withStore } from '../lazy-store.js';
import { resolveTenant } from '../resolve.js';
import { formatTable, PUBLIC_BASE_URL_HINT } from '../output.js';
import { printLines, type CliRun } from '../run.js';
import type { CommandStore } from '../store.js';
import { isVerbose } from './options.js';

export function registerConfig(program: Command, run: CliRun): void {
  const config = program.command('config').description('declarative setup: tenants, workflows and bots from a YAML file');
  config
    .command('apply')
    .description("apply a declarative config file and exit; prints each bot's callback URL")
    .requiredOption('-f, --file <file>', 'the YAML file (secrets as ${ENV_VAR} references)')
    .addHelpText(
      'after',
      '\nIdempotent: applying the same file again changes nothing; edits update tenants, workflows and bots in place.\nSet PUBLIC_BASE_URL to see full callback URLs. See switchboard.example.yaml.',
    )
    .action(async (options: { file: string }, command: Command) => {
      assertReadableFile(options.file, 'given with -f');
      const settings = loadConfig(run.io.env);
      // Parsed before the database is opened: a broken file changes nothing.
      const parsed = parseDeclarativeConfig(await readFile(options.file, 'utf8'), run.io.env, options.file);
      await withStore(settings, run, { access: 'write', verbose: isVerbose(command) }, async (store) => {
        const report = await applyDeclarativeConfig(parsed, { stores: store.repos, adapters: store.adapters, publicBaseUrl: settings.http.publicBaseUrl });
        printLines(run, await reportLines(report, store));
      });
    });
  config
    .command('export')
    .description("print one tenant's workflows and bots as a config file `config apply` reads (secrets as ${ENV_VAR} references)")
    .requiredOption('--tenant <slug>', 'the tenant to export')
    .addHelpText('after', '\nThe same bytes as GET /api/v1/tenants/<id>/config.yaml. The leading comment lists the environment variables to set before applying it elsewhere.')
    .action(async (options: { tenant: string }, command: Command) => {
      await withStore(loadConfig(run.io.env), run, { access: 'read', verbose: isVerbose(command) }, async (store) => {
        const tenant = await resolveTenant(store.repos, options.tenant);
        run.io.out((await exportTenant(store, tenant)).text);
      });
    });
}

async function reportLines(report: ApplyReport, store: CommandStore): Promise<string[]> {
  const lines = report.changed.map((change) => `changed ${change.kind} ${change.name}`);
  lines.push(`${report.changed.length} changed, ${report.unchanged} unchanged`);
  if (report.bots.length === 0) return lines;
  const publicBaseUrl = store.config.http.publicBaseUrl;
  let pathOnly = false;
  const rows: string[][] = [];
  for (const entry of report.bots) {
    const bot = await store.repos.bots.getRuntime(entry.id);
    const cell = bot ? callbackCell(bot, publicBaseUrl) : { text: entry.fullUrl ?? entry.hookPath, pathOnly: !entry.fullUrl };
    pathOnly ||= cell.pathOnly;
    rows.push([`${entry.tenant}/${entry.name}`, `${entry.platform} ${entry.mode}`, cell.text, `switchboard bots show ${entry.id}`]);
  }
  lines.push('', ...formatTable(['BOT', 'PLATFORM', 'CALLBACK URL', 'WHAT TO PASTE WHERE'], rows));
  if (pathOnly) lines.push('', PUBLIC_BASE_URL_HINT);
  return lines;
}
