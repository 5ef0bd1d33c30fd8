/**
 * The console's "test connection" for a DingTalk bot: each item is one precise sentence, and the setup facts say
 * exactly what to paste where in the DingTalk developer console.
 */
import { DingtalkCrypto } from '../../crypto/dingtalk-crypto.js';
import { setupFacts } from '../setup-guide.js';
import type { BotRuntime, CheckItem, CheckReport } from '../types.js';
import type { DingtalkApiClient } from './api-client.js';
import { credentialsSchemaFor, robotCodeOf, type DingtalkSettings } from './config.js';
import { DingtalkApiError } from './errors.js';
import { dingtalkSetupGuide } from './setup.js';
import { STREAM_SUBSCRIPTIONS, STREAM_UA, type StreamConnectionState } from './stream-mode.js';

export interface DingtalkCheckDeps {
  /** The bot's API client, or undefined when the bot has no clientId/clientSecret. */
  api: DingtalkApiClient | undefined;
  settings: DingtalkSettings;
  /** Where the Stream gateway lives for this bot. */
  gatewayUrl: string;
  /** Public base URL of this server (no trailing slash), when known. */
  publicBaseUrl?: string;
  /** The live Stream connection of this bot in this process, if any. */
  connection?: StreamConnectionState;
}

function describe(err: unknown): string {
  if (err instanceof DingtalkApiError) return err.message;
  return 'The check failed unexpectedly; see the server log for details.';
}

function eventKeysItem(bot: BotRuntime, settings: DingtalkSettings): CheckItem {
  const ownerKey = settings.eventOwnerKey ?? bot.credentials.clientId ?? '';
  try {
    const crypto = new DingtalkCrypto({ token: bot.credentials.token ?? '', encodingAesKey: bot.credentials.encodingAesKey ?? '', ownerKey });
    // A local round trip proves the key decodes and the owner key is the one DingTalk will use.
    crypto.decrypt(crypto.encrypt('switchboard-check'));
    return { name: 'Event keys', ok: !!bot.credentials.token, detail: bot.credentials.token ? `The Token and the 43-character aes_key are well-formed; events are expected for owner key ${ownerKey}.` : 'The Token is missing.' };
  } catch {
    return { name: 'Event keys', ok: false, detail: 'The aes_key is not a valid 43-character key: generate one on the event subscription page and paste both Token and aes_key here.' };
  }
}

export async function checkDingtalkBot(bot: BotRuntime, deps: DingtalkCheckDeps): Promise<CheckReport> {
  const items: CheckItem[] = [];
  const parsed = credentialsSchemaFor(bot.mode).safeParse(bot.credentials);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) items.push({ name: `Credential ${issue.path.join('.') || 'set'}`, ok: false, detail: issue.message });
  }
  if (bot.mode === 'event_http') items.push(eventKeysItem(bot, deps.settings));

  const clientId = bot.credentials.clientId ?? '';
  const robotCode = robotCodeOf(bot);
  if (deps.api) {
    let tokenOk = false;
    try {
      await deps.api.getToken();
      tokenOk = true;
      items.push({ name: 'Access token', ok: true, detail: `Fetched an access token for Client ID ${clientId} with the given Client Secret.` });
    } catch (err) {
      items.push({ name: 'Access token', ok: false, detail: describe(err) });
    }
    if (tokenOk) {
      try {
        await deps.api.queryRobotPlugins(robotCode);
        items.push({ name: 'Robot code', ok: true, detail: `DingTalk knows robotCode ${robotCode} for this app.` });
      } catch (err) {
        items.push({ name: 'Robot code', ok: false, detail: describe(err) });
      }
    }
    if (bot.mode === 'stream') {
      try {
        const { endpoint } = await deps.api.openStreamConnection(deps.gatewayUrl, STREAM_SUBSCRIPTIONS, STREAM_UA);
        items.push({ name: 'Stream connection', ok: true, detail: `The Stream gateway issued a connection ticket (endpoint ${new URL(endpoint).host}).` });
      } catch (err) {
        items.push({
          name: 'Stream connection',
          ok: false,
          detail: `The Stream gateway refused to open a connection: ${describe(err)} Check that the robot's message receiving mode is Stream mode and the app version is published.`,
        });
      }
      if (deps.connection) {
        const c = deps.connection;
        items.push({
          name: 'Live connection',
          ok: c.state === 'open',
          detail: c.state === 'open' ? `Connected since ${new Date(c.since).toISOString()} (${c.reconnects} reconnects).` : `Not connected (${c.state}${c.lastError ? `: ${c.lastError}` : ''}); retrying with backoff.`,
        });
      }
    }
  } else {
    items.push({ name: 'Access token', ok: false, detail: 'Client ID and Client Secret are required to answer through the DingTalk API.' });
  }

  const guide = dingtalkSetupGuide(bot, deps.publicBaseUrl);
  return { ok: items.every((i) => i.ok), items, ...(guide ? { setup: setupFacts(guide) } : {}) };
}
