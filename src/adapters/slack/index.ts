export { createSlackAdapter, type SlackAdapter, type SlackAdapterConfig } from './adapter.js';
export {
  SLACK_MODES,
  SLACK_SECRET_FIELDS,
  parseSlackBotConfig,
  slackCredentialsSchema,
  slackSettingsSchema,
  type SlackBotConfig,
  type SlackCredentials,
  type SlackMode,
  type SlackSettings,
} from './config.js';
export { SlackApiError, SlackFileError } from './errors.js';
export { computeSlackSignature, verifySlackRequest, SLACK_MAX_CLOCK_SKEW_SECONDS } from './verify.js';
export { decodeSlackBody, type SlackInbound } from './decode.js';
export { normalizeMessageEvent, normalizeSlashCommand, slackMessageId, parseSlackMessageId } from './normalize.js';
export { markdownToMrkdwn, renderSlackMessages, type SlackMessage, type SlackBlock } from './render.js';
export { createSlackApi, translateSlackError, type SlackApi } from './web-api.js';
export { buildSlackManifest, slackBotEvents, slackBotScopes, slackRequestUrl } from './manifest.js';
export { checkSlackBot } from './check.js';
export { slackManifestFor, slackSetupGuide, type SlackSetupInput } from './setup.js';
export { SwitchboardReceiver } from './receiver.js';
export type { SlackReplyTarget } from './slack-types.js';
