/**
 * The console's "test connection" for a WeCom bot: each item is one precise sentence, and the setup facts say
 * exactly what to paste where in the WeCom admin console.
 */
import { WecomCrypto } from '../../crypto/wecom-crypto.js';
import { setupFacts } from '../setup-guide.js';
import type { BotRuntime, CheckItem, CheckReport } from '../types.js';
import type { WecomApiClient } from './api-client.js';
import { appCredentialsSchema, callbackCredentials, smartBotCredentialsSchema } from './config.js';
import { WecomApiError } from './errors.js';
import { wecomSetupGuide } from './setup.js';

export interface WecomCheckDeps {
  /** The bot's API client, or undefined when the bot has no corpId/secret. */
  api: WecomApiClient | undefined;
  /** Public base URL of this server (no trailing slash), when known. */
  publicBaseUrl?: string;
}

function describe(err: unknown): string {
  if (err instanceof WecomApiError) return err.message;
  return 'The check failed unexpectedly; see the server log for details.';
}

function callbackKeysItem(bot: BotRuntime): CheckItem {
  const creds = callbackCredentials(bot);
  if (!creds.token) return { name: 'Callback token', ok: false, detail: 'The Token is missing: copy it from the API receive settings (接收消息服务器配置).' };
  try {
    const crypto = new WecomCrypto(creds);
    // A local round trip proves the key decodes and the receiver id is the one WeCom will use.
    crypto.decrypt(crypto.encrypt('switchboard-check'));
    const receiver = bot.mode === 'smart_bot' ? 'the smart bot (receiver id "")' : `CorpID ${creds.receiveId}`;
    return {
      name: 'Callback keys',
      ok: true,
      detail: `The Token and the 43-character EncodingAESKey are well-formed and encrypt/decrypt for ${receiver}.`,
    };
  } catch {
    return {
      name: 'Callback keys',
      ok: false,
      detail: 'The EncodingAESKey is not a valid 43-character key: click "Random" (随机获取) in the WeCom console and paste both values here.',
    };
  }
}

export async function checkWecomBot(bot: BotRuntime, deps: WecomCheckDeps): Promise<CheckReport> {
  const items: CheckItem[] = [];
  const schema = bot.mode === 'smart_bot' ? smartBotCredentialsSchema : appCredentialsSchema;
  const parsed = schema.safeParse(bot.credentials);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      items.push({ name: `Credential ${issue.path.join('.') || 'set'}`, ok: false, detail: issue.message });
    }
  }
  items.push(callbackKeysItem(bot));

  if (deps.api) {
    const corpId = bot.credentials.corpId ?? '';
    try {
      await deps.api.getToken();
      items.push({ name: 'Access token', ok: true, detail: `Fetched an access token for CorpID ${corpId} with the given secret.` });
    } catch (err) {
      items.push({ name: 'Access token', ok: false, detail: describe(err) });
    }
    const agentId = bot.credentials.agentId;
    if (bot.mode === 'app' && agentId && items.at(-1)?.ok) {
      try {
        const agent = await deps.api.getAgent(agentId);
        const name = typeof agent.name === 'string' && agent.name ? ` "${agent.name}"` : '';
        items.push({ name: 'Agent', ok: true, detail: `AgentId ${agentId} is the app${name} and the secret may use it.` });
      } catch (err) {
        items.push({ name: 'Agent', ok: false, detail: describe(err) });
      }
    }
  } else if (bot.mode === 'app') {
    items.push({ name: 'Access token', ok: false, detail: 'CorpID and Secret are required to send answers through the WeCom API.' });
  }

  return { ok: items.every((i) => i.ok), items, setup: setupFacts(wecomSetupGuide(bot, deps.publicBaseUrl)) };
}
