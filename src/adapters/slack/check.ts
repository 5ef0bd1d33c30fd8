import { setupFacts } from '../setup-guide.js';
import type { BotRuntime, CheckItem, CheckReport } from '../types.js';
import type { SlackBotConfig } from './config.js';
import { slackBotScopes } from './manifest.js';
import { slackManifestFor, slackSetupGuide } from './setup.js';
import type { SlackApi } from './web-api.js';

/**
 * The console's "test connection" for a Slack bot: bot token (auth.test), scopes for the configured features
 * (from the `x-oauth-scopes` header), signing secret format, Socket Mode app token (apps.connections.open), plus
 * the setup facts: Request URL, events and scopes to enable, and an app manifest.
 */
export interface SlackCheckInput {
  bot: Pick<BotRuntime, 'id' | 'name'>;
  config: SlackBotConfig;
  api: SlackApi;
  /** A client authenticated with the app-level (xapp-) token; Socket Mode only. */
  appApi?: SlackApi;
  publicBaseUrl?: string;
}

interface AuthTest {
  ok: boolean;
  team?: string;
  team_id?: string;
  user?: string;
  user_id?: string;
  bot_id?: string;
  response_metadata?: { scopes?: string[] };
}

export async function checkSlackBot(input: SlackCheckInput): Promise<CheckReport> {
  const { config, api } = input;
  const { credentials, settings, mode } = config;
  const items: CheckItem[] = [];

  let auth: AuthTest | undefined;
  try {
    auth = await api.call<AuthTest>('auth.test');
    items.push({
      name: 'Bot token',
      ok: true,
      detail: `Connected to workspace ${auth.team ?? '?'} (${auth.team_id ?? '?'}) as @${auth.user ?? '?'} (user ${auth.user_id ?? '?'}, bot ${auth.bot_id ?? '?'}).`,
    });
  } catch (err) {
    items.push({ name: 'Bot token', ok: false, detail: err instanceof Error ? err.message : String(err) });
  }

  if (auth) {
    const mismatch = [
      credentials.botUserId && auth.user_id && credentials.botUserId !== auth.user_id ? `botUserId ${credentials.botUserId} ≠ ${auth.user_id}` : '',
      credentials.botId && auth.bot_id && credentials.botId !== auth.bot_id ? `botId ${credentials.botId} ≠ ${auth.bot_id}` : '',
      credentials.teamId && auth.team_id && credentials.teamId !== auth.team_id ? `teamId ${credentials.teamId} ≠ ${auth.team_id}` : '',
    ].filter(Boolean);
    if (mismatch.length) {
      items.push({ name: 'Bot identity', ok: false, detail: `Saved ids do not match the token (${mismatch.join(', ')}): clear them or fix them.` });
    }
    const needed = slackBotScopes(settings);
    const granted = auth.response_metadata?.scopes;
    if (!granted) {
      items.push({ name: 'Scopes', ok: true, detail: `Slack did not report the token's scopes; make sure these are granted: ${needed.join(', ')}.` });
    } else {
      const missing = needed.filter((s) => !granted.includes(s));
      items.push(
        missing.length === 0
          ? { name: 'Scopes', ok: true, detail: `All needed scopes granted (${needed.join(', ')}).` }
          : {
              name: 'Scopes',
              ok: false,
              detail: `Missing scopes: ${missing.join(', ')}. Add them under OAuth & Permissions → Bot Token Scopes, then reinstall the app to the workspace.`,
            },
      );
    }
  }

  const secret = credentials.signingSecret;
  if (mode === 'events_http' || secret) {
    const ok = typeof secret === 'string' && /^[0-9a-f]{32}$/.test(secret);
    items.push({
      name: 'Signing secret',
      ok,
      detail: ok
        ? 'Signing secret has the expected format (32 hex characters).'
        : 'The signing secret should be 32 hex characters: copy it from Basic Information → App Credentials → Signing Secret (not the client secret or verification token).',
    });
  }

  if (mode === 'socket') {
    if (!input.appApi) {
      items.push({ name: 'App-level token', ok: false, detail: 'Socket Mode needs an app-level token (xapp-) with connections:write.' });
    } else {
      try {
        await input.appApi.call('apps.connections.open');
        items.push({ name: 'App-level token', ok: true, detail: 'Socket Mode connections can be opened with the app-level token.' });
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        items.push({
          name: 'App-level token',
          ok: false,
          detail: `${msg} Create an app-level token with the connections:write scope under Basic Information → App-Level Tokens, and turn Socket Mode on.`,
        });
      }
    }
  }

  const setupInput = { bot: input.bot, mode, settings, publicBaseUrl: input.publicBaseUrl };
  const setup = { ...setupFacts(slackSetupGuide(setupInput)), manifest: JSON.stringify(slackManifestFor(setupInput), null, 2) };
  return { ok: items.every((i) => i.ok), items, setup };
}
