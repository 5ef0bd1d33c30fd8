export { createDingtalkAdapter, type DingtalkAdapter, type DingtalkAdapterConfig } from './adapter.js';
export { DingtalkApiClient, MAX_FILE_BYTES, MSG_PARAM_LIMIT_BYTES, type DingtalkApiClientOptions, type DingtalkMsgKey, type CardStreamingUpdate } from './api-client.js';
export { checkDingtalkBot } from './check.js';
export { callbackUrlFor, dingtalkSetupGuide } from './setup.js';
export {
  credentialsSchemaFor,
  dingtalkSettingsSchema,
  eventCredentialsSchema,
  robotCredentialsSchema,
  robotCodeOf,
  DINGTALK_MODES,
  DEFAULT_DINGTALK_API_BASE,
  type DingtalkMode,
  type DingtalkSettings,
  type DingtalkCredentials,
} from './config.js';
export { parseEventEnvelope, decryptEvent, parseStreamFrame, parseJsonObject, type StreamFrame } from './decode.js';
export { DingtalkApiError, DingtalkDecodeError, DingtalkVerifyError, translateDingtalkError, type DingtalkApiErrorCategory } from './errors.js';
export {
  normalizeRobotMessage,
  classifyEvent,
  encodeAttachmentRef,
  decodeAttachmentRef,
  readReplyTarget,
  stripBotMention,
  type DingtalkReplyTarget,
  type DingtalkAttachmentRef,
  type RobotCallback,
} from './normalize.js';
export { toDingtalkMarkdown, renderDingtalkText, splitForDingtalk, splitForCard, markdownTitle, DINGTALK_TEXT_LIMIT_BYTES, DINGTALK_CARD_LIMIT_BYTES } from './render.js';
export { createDingtalkSender, DingtalkDelivery } from './sender.js';
export { openCardStream, openSpaceOf, type CardStreamTuning } from './stream.js';
export { DingtalkStreamClient, reconnectDelayMs, ROBOT_TOPIC, STREAM_SUBSCRIPTIONS, type StreamConnectionState } from './stream-mode.js';
export { robotSign, verifyRobotSign, readEventQuery, verifyEventSignature, checkTimestamp, eventCryptoFor } from './verify.js';
