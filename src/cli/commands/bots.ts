import type { Command } from 'commander';
import { botSetupGuide } from '../../adapters/bot-setup.js';
import type { SetupGuide } from '../../adapters/setup-guide.js';
import { loadConfig } from '../../config/load.js';
import { ConfigError } from '../../errors.js';
import type { BotRecord, Tenant } from '../../store/repositories/index.js';
import { callbackCell } from '../callback.js';
import { withStore } from '../lazy-store.js';
import { formatCheckReport, formatPairs, formatTable, PUBLIC_BASE_URL_HINT } from '../output.js';
import { resolveBot, resolveTenant } from '../resolve.js';
import { printLines, type CliRun } from '../run.js';
import type { CommandStore } from '../store.js';
import { isVerbose, TENANT_OPTION } from './options.js';

const BOT_ARGUMENT = ['<bot>', "the bot's id or name"] as const;

export function registerBots(program: Command, run: CliRun): void {
  const bots = program.command('bots').description('the bots: their callback URLs, what to paste where, connection checks');
  const open = <T>(command: Command, fn: (store: CommandStore) => Promise<T>) =>
    withStore(loadConfig(run.io.env), run, { access: 'read', verbose: isVerbose(command) }, fn);

  bots
    .command('list')
    .description('every bot: tenant, name, id, platform, mode, enabled, workflow and full callback URL')
    .option(...TENANT_OPTION)
    .action((options: { tenant?: string }, command: Command) => open(command, async (store) => printLines(run, await listLines(store, options.tenant))));

  bots
    .command('show')
    .description("a bot's full callback URL and, step by step, what to paste where in the platform's admin console")
    .argument(...BOT_ARGUMENT)
    .option(...TENANT_OPTION)
    .addHelpText(
      'after',
      "\nWorks offline: nothing is sent to the platform. For a WeCom bot (and a DingTalk event-subscription bot) it prints the\nToken and EncodingAESKey (aes_key): they are the values you paste into the platform's console. Bot tokens, signing\nsecrets, app and client secrets and API keys are never printed.",
    )
    .action((ref: string, options: { tenant?: string }, command: Command) =>
      open(command, async (store) => {
        const { bot, tenant } = await resolveBot(store.repos, ref, options.tenant);
        printLines(run, await showLines(store, bot, tenant));
      }),
    );

  bots
    .command('check')
    .description("test a bot's connection with its platform, step by step; exit code 0 when every step passes, 1 otherwise")
    .argument(...BOT_ARGUMENT)
    .option(...TENANT_OPTION)
    .action((ref: string, options: { tenant?: string }, command: Command) =>
      open(command, async (store) => {
        const { bot, tenant } = await resolveBot(store.repos, ref, options.tenant);
        const adapter = store.adapters.get(bot.platform);
        if (!adapter) throw new ConfigError(`Bot ${bot.id} is a ${bot.platform} bot, and this build has no ${bot.platform} adapter to check it with.`);
        printLines(run, [`Checking bot ${tenant.slug}/${bot.name} (${bot.id}, ${bot.platform} ${bot.mode})…`]);
        const report = await adapter.checkConnection(bot);
        printLines(run, formatCheckReport(report));
        if (!report.ok) run.exitCode = 1;
      }),
    );
}

async function listLines(store: CommandStore, tenantSlug: string | undefined): Promise<string[]> {
  const tenants = tenantSlug ? [await resolveTenant(store.repos, tenantSlug)] : await store.repos.tenants.list();
  const publicBaseUrl = store.config.http.publicBaseUrl;
  const rows: string[][] = [];
  let pathOnly = false;
  for (const tenant of tenants) {
    const workflows = new Map((await store.repos.workflows.list(tenant.id)).map((w) => [w.id, w.name]));
    for (const bot of await store.repos.bots.list(tenant.id)) {
      const cell = callbackCell(bot, publicBaseUrl);
      pathOnly ||= cell.pathOnly;
      const workflow = bot.workflowId ? (workflows.get(bot.workflowId) ?? bot.workflowId) : '–';
      rows.push([tenant.slug, bot.name, bot.id, bot.platform, bot.mode, bot.enabled ? 'yes' : 'no', workflow, cell.text]);
    }
  }
  if (rows.length === 0) return ['No bots yet: describe them in a YAML file and run switchboard config apply -f <file>.'];
  const lines = formatTable(['TENANT', 'NAME', 'ID', 'PLATFORM', 'MODE', 'ENABLED', 'WORKFLOW', 'CALLBACK URL'], rows);
  return pathOnly ? [...lines, '', PUBLIC_BASE_URL_HINT] : lines;
}

async function showLines(store: CommandStore, bot: BotRecord, tenant: Tenant): Promise<string[]> {
  const publicBaseUrl = store.config.http.publicBaseUrl;
  const cell = callbackCell(bot, publicBaseUrl);
  const workflow = bot.workflowId ? ((await store.repos.workflows.getConfig(tenant.id, bot.workflowId))?.name ?? bot.workflowId) : 'none';
  const lines = [
    `Bot ${bot.name} of tenant ${tenant.slug} (id ${bot.id})`,
    ...formatPairs(
      [
        ['platform', `${bot.platform}, mode ${bot.mode}`],
        ['enabled', bot.enabled ? 'yes' : 'no (Switchboard ignores its messages)'],
        ['workflow', workflow],
        ['callback URL', cell.text],
      ],
      '  ',
    ),
  ];
  if (cell.pathOnly) lines.push(`  ${PUBLIC_BASE_URL_HINT}`);
  const guide = botSetupGuide(bot, { publicBaseUrl });
  lines.push('');
  if (!guide) lines.push(`There is no setup guide for ${bot.platform} bots in mode ${bot.mode} yet.`);
  else lines.push('What to do in the platform\'s admin console:', ...guideLines(guide));
  lines.push('');
  if (bot.platform === 'slack') lines.push(`Or create the Slack app from a manifest: switchboard slack manifest ${bot.id} (api.slack.com/apps → Create New App → From a manifest).`);
  lines.push(`Then test the connection: switchboard bots check ${bot.id}`);
  return lines;
}

function guideLines(guide: SetupGuide): string[] {
  return guide.steps.flatMap((step, i) => {
    const values = formatPairs(
      step.values.map((v) => [v.label, v.value]),
      '     ',
    );
    return [`${i + 1}. ${step.where}`, ...values, ...(step.note ? [`   ${step.note}`] : [])];
  });
}
