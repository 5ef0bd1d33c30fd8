export { createWecomAdapter, type WecomAdapter, type WecomAdapterConfig } from './adapter.js';
export {
  WecomApiClient,
  createWecomHttp,
  DEFAULT_WECOM_API_BASE,
  type WecomApiClientOptions,
  type WecomMessageBody,
  type WecomMediaType,
  type SendResult,
  type AgentInfo,
} from './api-client.js';
export { AccessTokenCache, tokenCacheKey, type TokenCacheOptions, type TokenCredentials } from '../token-cache.js';
export {
  WecomApiError,
  WecomVerifyError,
  WecomDecodeError,
  translateWecomErrcode,
  type WecomApiErrorCategory,
} from './errors.js';
export {
  appCredentialsSchema,
  smartBotCredentialsSchema,
  settingsSchemaFor,
  WECOM_MODES,
  type WecomMode,
  type WecomSettings,
  type WecomAppCredentials,
  type WecomSmartBotCredentials,
} from './config.js';
export { readSignedQuery, verifySignedPayload, checkTimestamp, cryptoFor, type SignedQuery } from './verify.js';
export { scanOuterXml, parseInnerXml, parseSmartBotEnvelope, parseSmartBotJson, decryptPayload } from './decode.js';
export {
  normalizeAppCallback,
  normalizeSmartBotCallback,
  encodeAttachmentRef,
  decodeAttachmentRef,
  streamIdFor,
  stripBotMention,
  type WecomAttachmentRef,
  type WecomReplyTarget,
  type AppReplyTarget,
  type SmartBotReplyTarget,
} from './normalize.js';
export {
  renderWecomText,
  splitForWecom,
  splitPieces,
  toWecomMarkdown,
  toWecomText,
  truncateUtf8,
  WECOM_TEXT_LIMIT_BYTES,
  WECOM_STREAM_LIMIT_BYTES,
} from './render.js';
export { SmartBotStreams, streamReplyPlaintext, encryptJsonReply, type StreamState } from './smart-bot.js';
export { createWecomSender } from './sender.js';
export { checkWecomBot } from './check.js';
export { callbackUrlFor, wecomSetupGuide } from './setup.js';
