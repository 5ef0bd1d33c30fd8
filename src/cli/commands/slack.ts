import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { isSlackMode, slackSettingsSchema } from '../../adapters/slack/config.js';
import { slackManifestFor } from '../../adapters/slack/setup.js';
import { loadConfig } from '../../config/load.js';
import { ConfigError } from '../../errors.js';
import { withStore } from '../lazy-store.js';
import { resolveBot } from '../resolve.js';
import type { CliRun } from '../run.js';
import { isVerbose, TENANT_OPTION } from './options.js';

export function registerSlack(program: Command, run: CliRun): void {
  const slack = program.command('slack').description('Slack helpers');
  slack
    .command('manifest')
    .description("print the Slack app manifest of a bot, ready to paste (api.slack.com/apps → Create New App → From a manifest)")
    .argument('<bot>', "the bot's id or name")
    .option(...TENANT_OPTION)
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'yaml']).default('json'))
    .addHelpText('after', '\nThe manifest holds the Request URL (from PUBLIC_BASE_URL), the bot events and the scopes; no token or secret.')
    .action((ref: string, options: { tenant?: string; format: 'json' | 'yaml' }, command: Command) => {
      const config = loadConfig(run.io.env);
      return withStore(config, run, { access: 'read', verbose: isVerbose(command) }, async (store) => {
        const { bot } = await resolveBot(store.repos, ref, options.tenant);
        if (bot.platform !== 'slack' || !isSlackMode(bot.mode)) throw new ConfigError(`Bot ${bot.id} is a ${bot.platform} bot, not a Slack bot.`);
        const publicBaseUrl = config.http.publicBaseUrl;
        if (bot.mode === 'events_http' && !publicBaseUrl) {
          run.io.err('The Request URLs in this manifest are placeholders: set PUBLIC_BASE_URL to the address Slack reaches this server at.\n');
        }
        const manifest = slackManifestFor({ bot, mode: bot.mode, settings: slackSettingsSchema.parse(bot.settings), publicBaseUrl });
        run.io.out(options.format === 'yaml' ? stringify(manifest) : `${JSON.stringify(manifest, null, 2)}\n`);
      });
    });
}
