/**
 * Shared set-up for the DingTalk end-to-end tests: the bots' keys, the declarative YAML (exactly the names of the
 * issue), and a raw HTTP client for callbacks.
 */
import { dingtalkCallbacks, OFFICIAL_CHECK_URL, type BuiltDingtalkCallback, type RobotFixture } from '../fakes/fake-dingtalk-callbacks.js';
import { rawRequest, startNode, type RawResponse, type WecomNode } from './wecom-support.js';

export const DT = {
  clientId: 'dinge2eclient0001',
  clientSecret: 'e2e-dingtalk-client-secret-0001',
  token: 'E2eDingTok3n',
  encodingAesKey: 'dtE2eKeyABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi',
} as const;

export const BOTS = {
  robot: 'acme-dt-robot',
  event: 'acme-dt-event',
  official: 'acme-dt-official',
  officialWindowed: 'acme-dt-official-win',
  card: 'acme-dt-card',
  stream: 'acme-dt-stream',
} as const;

export const CARD_TEMPLATE = 'tpl-ai-card-e2e.schema';

export const callbacks = dingtalkCallbacks({ clientSecret: DT.clientSecret, token: DT.token, encodingAesKey: DT.encodingAesKey, ownerKey: DT.clientId });
/** A fixture message addressed to the e2e robot (its robotCode is the clientId). */
export function message(name: RobotFixture, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return callbacks.message(name, { robotCode: DT.clientId, ...overrides });
}

export const officialCallbacks = dingtalkCallbacks({
  clientSecret: 'unused',
  token: OFFICIAL_CHECK_URL.token,
  encodingAesKey: OFFICIAL_CHECK_URL.encodingAesKey,
  ownerKey: OFFICIAL_CHECK_URL.ownerKey,
});

function botYaml(b: { name: string; id: string; mode: string; credentials: string[]; settings: string[] }): string {
  return `      - name: ${b.name}
        id: ${b.id}
        platform: dingtalk
        mode: ${b.mode}
        workflow: support-chat
        credentials:
${b.credentials.map((l) => `          ${l}\n`).join('')}        settings:
${b.settings.map((l) => `          ${l}\n`).join('')}`;
}

export function dingtalkYaml(opts: { apiBase: string; gateway?: string; extraSettings?: string[] }): string {
  const creds = ['clientId: ${ACME_DT_CLIENT_ID}', 'clientSecret: ${ACME_DT_CLIENT_SECRET}', 'robotCode: ${ACME_DT_ROBOT_CODE}'];
  const eventCreds = [...creds, 'token: ${ACME_DT_TOKEN}', 'encodingAesKey: ${ACME_DT_AES_KEY}'];
  const api = [`apiBaseUrl: ${opts.apiBase}`, `legacyApiBaseUrl: ${opts.apiBase}`, ...(opts.extraSettings ?? [])];
  const o = OFFICIAL_CHECK_URL;
  const official = ['clientId: dingofficialsample', 'clientSecret: ${OFFICIAL_SECRET}', 'token: ${OFFICIAL_TOKEN}', 'encodingAesKey: ${OFFICIAL_AES_KEY}'];
  const bots = [
    botYaml({ name: 'dingtalk-helpdesk', id: BOTS.robot, mode: 'robot_http', credentials: creds, settings: [...api, 'timestampToleranceSec: 3600', 'groupPolicy: mentions'] }),
    botYaml({ name: 'dingtalk-events', id: BOTS.event, mode: 'event_http', credentials: eventCreds, settings: [...api, `eventOwnerKey: ${DT.clientId}`] }),
    botYaml({ name: 'dingtalk-official', id: BOTS.official, mode: 'event_http', credentials: official, settings: [...api, `eventOwnerKey: ${o.ownerKey}`, 'timestampToleranceSec: 0'] }),
    botYaml({ name: 'dingtalk-official-win', id: BOTS.officialWindowed, mode: 'event_http', credentials: official, settings: [...api, `eventOwnerKey: ${o.ownerKey}`] }),
    botYaml({ name: 'dingtalk-card', id: BOTS.card, mode: 'robot_http', credentials: creds, settings: [...api, `cardTemplateId: ${CARD_TEMPLATE}`, 'cardContentKey: content'] }),
    ...(opts.gateway
      ? [botYaml({ name: 'dingtalk-stream', id: BOTS.stream, mode: 'stream', credentials: creds, settings: [...api, `streamGatewayUrl: ${opts.gateway}`] })]
      : []),
  ];
  return `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: support-chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
    bots:
${bots.join('')}`;
}

export function dingtalkSecrets(dify: { url: string; apiKey: string }): Record<string, string> {
  return {
    DIFY_URL: dify.url,
    DIFY_KEY: dify.apiKey,
    ACME_DT_CLIENT_ID: DT.clientId,
    ACME_DT_CLIENT_SECRET: DT.clientSecret,
    ACME_DT_ROBOT_CODE: DT.clientId,
    ACME_DT_TOKEN: DT.token,
    ACME_DT_AES_KEY: DT.encodingAesKey,
    OFFICIAL_SECRET: 'unused-secret',
    OFFICIAL_TOKEN: OFFICIAL_CHECK_URL.token,
    OFFICIAL_AES_KEY: OFFICIAL_CHECK_URL.encodingAesKey,
  };
}

/** Sends a built DingTalk callback to `/hooks/dingtalk/<botId>` through real HTTP. */
export function sendDingtalk(baseUrl: string, botId: string, built: BuiltDingtalkCallback, overrides: { headers?: Record<string, string>; search?: string } = {}): Promise<RawResponse> {
  const search = overrides.search ?? built.search;
  return rawRequest(baseUrl, 'POST', `/hooks/dingtalk/${botId}${search ? `?${search}` : ''}`, built.rawBody, { ...built.headers, ...overrides.headers });
}

/** A Switchboard process (web + worker, inline queue) on an environment, reconciling bot connections every 200 ms. */
export type DingtalkNode = WecomNode;

export function startDingtalkNode(env: Record<string, string>, yaml: string, secrets: Record<string, string>): Promise<DingtalkNode> {
  return startNode(env, yaml, secrets, { connectionsReconcileMs: 200 });
}
