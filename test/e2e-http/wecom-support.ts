/**
 * Shared set-up for the WeCom end-to-end tests: the declarative YAML of the WeCom bots, their keys (so tests build
 * real encrypted callbacks with the fake's callback builder), a raw HTTP client that keeps bytes and headers, and a
 * Switchboard (web + worker) started on a **given** environment so a test can stop it and start another process on
 * the same SQLite file (a restart).
 */
import { request as httpRequest } from 'node:http';
import { parseDeclarativeConfig } from '../../src/config/declarative-parse.js';
import { applyDeclarativeConfig } from '../../src/config/declarative-apply.js';
import { loadConfig } from '../../src/config/load.js';
import { buildRuntime, startWeb, startWorker, type Runtime, type WebHandle, type WorkerHandle } from '../../src/main.js';
import { silentLogger } from '../../src/observability/logger.js';
import { OFFICIAL_VECTOR, wecomCallbacks, type BuiltCallback } from '../fakes/fake-wecom-callbacks.js';
import { waitFor } from '../support/runtime.js';

/** App-mode keys (the fake WeCom's corp and agent). The Token and key are fixed so failures are reproducible. */
export const APP = {
  botId: 'acme-wecom-app',
  corpId: 'wwe2ecorp',
  agentId: '1000002',
  secret: 'e2e-app-secret',
  token: 'E2eTok3n',
  encodingAesKey: 'e2eKeyABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk',
} as const;

/** A second app bot whose API base points at its own fake (token-expiry test counts calls from zero). */
export const TOKEN_APP = { ...APP, botId: 'acme-wecom-tok' } as const;

export const SMART = {
  botId: 'acme-wecom-smart',
  nonStreamingBotId: 'acme-wecom-smart-ns',
  aibotId: 'AIBOTE2E',
  token: 'SmartTok3n',
  encodingAesKey: 'smartKeyABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi',
} as const;

export const OFFICIAL_BOT = 'acme-wecom-official';
/** The same official credentials with the default ±600 s timestamp window. */
export const OFFICIAL_BOT_WINDOWED = 'acme-wecom-official-win';

export const appCallbacks = wecomCallbacks({ token: APP.token, encodingAesKey: APP.encodingAesKey, corpId: APP.corpId, agentId: APP.agentId });
export const smartCallbacks = wecomCallbacks({ token: SMART.token, encodingAesKey: SMART.encodingAesKey, aibotId: SMART.aibotId });

/** One bot entry of the YAML below; `settings` lines are written as given. */
function botYaml(b: { name: string; id: string; mode: 'app' | 'smart_bot'; credentials: string[]; settings?: string[] }): string {
  const settings = b.settings?.length ? `        settings:\n${b.settings.map((l) => `          ${l}\n`).join('')}` : '';
  return `      - name: ${b.name}
        id: ${b.id}
        platform: wecom
        mode: ${b.mode}
        workflow: chat
        credentials:
${b.credentials.map((l) => `          ${l}\n`).join('')}${settings}`;
}

/** `workflowSettings`: YAML lines under the workflow's `settings:` (retry policy, breaker, fallback text). */
export function wecomYaml(opts: { tokenApiBase?: string; workflowSettings?: string[] } = {}): string {
  const v = OFFICIAL_VECTOR;
  const official = [`corpId: ${v.corpId}`, "agentId: '1000001'", 'secret: ${OFFICIAL_SECRET}', 'token: ${OFFICIAL_TOKEN}', 'encodingAesKey: ${OFFICIAL_AES_KEY}'];
  const app = [`corpId: ${APP.corpId}`, `agentId: '${APP.agentId}'`, 'secret: ${WECOM_SECRET}', 'token: ${WECOM_TOKEN}', 'encodingAesKey: ${WECOM_AES_KEY}'];
  const smart = ['token: ${SMART_TOKEN}', 'encodingAesKey: ${SMART_AES_KEY}', `botId: ${SMART.aibotId}`];
  const bots = [
    botYaml({ name: 'wecom-official', id: OFFICIAL_BOT, mode: 'app', credentials: official, settings: ['timestampToleranceSec: 0'] }),
    botYaml({ name: 'wecom-official-win', id: OFFICIAL_BOT_WINDOWED, mode: 'app', credentials: official }),
    botYaml({ name: 'wecom-app', id: APP.botId, mode: 'app', credentials: app, settings: ['replyFormat: text'] }),
    ...(opts.tokenApiBase
      ? [botYaml({ name: 'wecom-tok', id: TOKEN_APP.botId, mode: 'app', credentials: app, settings: ['replyFormat: text', `apiBaseUrl: ${opts.tokenApiBase}`] })]
      : []),
    botYaml({ name: 'wecom-smart', id: SMART.botId, mode: 'smart_bot', credentials: smart, settings: ['streaming: true', 'replyFormat: text'] }),
    botYaml({ name: 'wecom-smart-ns', id: SMART.nonStreamingBotId, mode: 'smart_bot', credentials: smart, settings: ['streaming: false', 'replyFormat: text'] }),
  ];
  return `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
${opts.workflowSettings?.length ? `        settings:\n${opts.workflowSettings.map((l) => `          ${l}\n`).join('')}` : ''}    bots:
${bots.join('')}`;
}

export function wecomSecrets(dify: { url: string; apiKey: string }): Record<string, string> {
  return {
    DIFY_URL: dify.url,
    DIFY_KEY: dify.apiKey,
    WECOM_SECRET: APP.secret,
    WECOM_TOKEN: APP.token,
    WECOM_AES_KEY: APP.encodingAesKey,
    SMART_TOKEN: SMART.token,
    SMART_AES_KEY: SMART.encodingAesKey,
    OFFICIAL_SECRET: 'unused-secret',
    OFFICIAL_TOKEN: OFFICIAL_VECTOR.token,
    OFFICIAL_AES_KEY: OFFICIAL_VECTOR.encodingAesKey,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/**
 * One HTTP request with node:http, keeping the exact bytes and headers of the answer. A server that answers before
 * the whole body is sent (413) and closes the socket is not an error here: the answer is what counts.
 */
export function rawRequest(baseUrl: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const req = httpRequest(
      url,
      { method, headers: { ...(payload ? { 'content-length': String(payload.length) } : {}), ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes, text: bytes.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    // EPIPE / ECONNRESET while still writing a body the server refused: wait for the answer (or fail below).
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
      else setTimeout(() => reject(err), 2000).unref();
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    if (payload) req.end(payload);
    else req.end();
  });
}

/** Sends a built WeCom callback to `/hooks/wecom/<botId>` through real HTTP. */
export function sendCallback(baseUrl: string, botId: string, built: BuiltCallback, overrides: { body?: Buffer | string; search?: string } = {}): Promise<RawResponse> {
  const path = `/hooks/wecom/${botId}?${overrides.search ?? built.search}`;
  const body = built.method === 'POST' ? (overrides.body ?? built.rawBody) : undefined;
  return rawRequest(baseUrl, built.method, path, body, built.contentType ? { 'content-type': built.contentType } : {});
}

/** A Switchboard process (web + worker, inline queue) on an existing environment; `close` leaves the data behind. */
export interface WecomNode {
  runtime: Runtime;
  web: WebHandle;
  worker: WorkerHandle;
  url: string;
  close(): Promise<void>;
}

export async function startNode(env: Record<string, string>, yaml: string, secrets: Record<string, string>, opts: { connectionsReconcileMs?: number } = {}): Promise<WecomNode> {
  const runtime = await buildRuntime(loadConfig(env), { logger: silentLogger });
  try {
    await applyDeclarativeConfig(parseDeclarativeConfig(yaml, secrets, 'e2e.yaml'), { stores: runtime.repos, adapters: runtime.adapters });
    const worker = await startWorker(runtime);
    const web = await startWeb(runtime, { port: 0, host: '127.0.0.1', connectionsReconcileMs: opts.connectionsReconcileMs });
    return {
      runtime,
      web,
      worker,
      url: web.url,
      async close() {
        await web.close();
        await worker.close();
        await runtime.close();
      },
    };
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
}

/** Asserts the standard error body: `{error: {code, message}}`, nothing else, and no stack trace. */
export function errorBody(res: RawResponse): { code: string; message: string } {
  const parsed = JSON.parse(res.text) as { error: { code: string; message: string } };
  if (Object.keys(parsed).join() !== 'error' || Object.keys(parsed.error).sort().join() !== 'code,message') {
    throw new Error(`unexpected error body: ${res.text.slice(0, 300)}`);
  }
  if (/\bat .+:\d+:\d+|\.ts:\d+|node_modules|Error:/.test(res.text)) throw new Error(`stack trace leaked: ${res.text.slice(0, 300)}`);
  return parsed.error;
}

/** A quiet period: lets anything that should NOT happen (a second run, a second send) have its chance. */
export async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export { waitFor };
