import type { Readable } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';
import type { CheckReport } from '../../core/check-report.js';
import { checkEgressUrl, egressAxiosOptions, processEgress, type EgressAgents } from '../../egress/index.js';
import { AttemptControl, type DnsLookup } from '../attempt.js';
import { HttpStatusFailure, UpstreamError, redirectFailure, toWorkflowError } from '../errors.js';
import { headerValue, isRecord, parseJsonOrText, readBodyText, readJsonPath } from '../http-body.js';
import { callWithRetries, type CallGuards } from '../resilient-call.js';
import { renderJsonTemplate } from '../template.js';
import type { RunOptions, WorkflowClient, WorkflowConfig, WorkflowRequest, WorkflowResult } from '../types.js';
import type { HttpBackendSettings } from './settings.js';

export interface HttpClientDeps {
  guards: CallGuards;
  clock: () => number;
  lookup?: DnsLookup;
  /** The egress policy and agents. @defaultValue the process's */
  egress?: EgressAgents;
}

const DEFAULT_ANSWER_PATHS = ['answer', 'text', 'reply', 'output'];

/**
 * A generic webhook backend: POSTs the normalized request (or `settings.bodyTemplate` rendered over the message
 * context) as JSON to `baseUrl`, with the binding's secret in `settings.secretHeader` when set, and reads the answer
 * at `outputSelector` (a JSON path like `data.reply`). Same retries, timeouts, breaker and cap as Dify.
 * The response may also carry `conversationId` / `conversation_id`, returned as the conversation id.
 */
export class HttpWorkflowClient implements WorkflowClient {
  private readonly http: AxiosInstance;
  private readonly egress: EgressAgents;

  constructor(
    private readonly config: WorkflowConfig,
    private readonly settings: HttpBackendSettings,
    private readonly deps: HttpClientDeps,
  ) {
    this.egress = deps.egress ?? processEgress();
    this.http = axios.create({
      ...egressAxiosOptions(this.egress),
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'stream',
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
    });
  }

  async run(req: WorkflowRequest, opts: RunOptions = {}): Promise<WorkflowResult> {
    const startedAt = this.deps.clock();
    const body = this.body(req);
    const answerBody = await callWithRetries(this.deps.guards, { signal: opts.signal, budget: opts.budget, streaming: false, operation: 'http-run' }, (control) =>
      this.post(body, control, req.traceId),
    );
    const answer = this.answerOf(answerBody);
    const result: WorkflowResult = { answer, files: [], latencyMs: this.deps.clock() - startedAt, providerIds: {} };
    if (isRecord(answerBody)) {
      const conversationId = answerBody.conversationId ?? answerBody.conversation_id;
      if (typeof conversationId === 'string' && conversationId) result.conversationId = conversationId;
    }
    return result;
  }

  async check(): Promise<CheckReport> {
    const control = new AttemptControl({ ...this.deps.guards.limits, totalMs: Math.min(this.deps.guards.limits.totalMs, 10_000) }, undefined, true);
    try {
      const res = await this.http.request<Readable>({
        method: 'HEAD',
        url: checkEgressUrl(this.egress.policy, this.config.baseUrl).href,
        headers: this.headers(undefined),
        signal: control.signal,
        transport: control.transport,
      });
      res.data.destroy();
      if (res.status >= 300 && res.status < 400) throw redirectFailure(new URL(this.config.baseUrl), res.status, headerValue(res.headers as Record<string, unknown>, 'location'));
      if (res.status === 401 || res.status === 403) {
        return report(false, `The endpoint ${this.config.baseUrl} refused the secret (${res.status}). Check the secret and the header name${this.settings.secretHeader ? ` (${this.settings.secretHeader})` : ''}.`);
      }
      if (res.status >= 500) return report(false, `The endpoint ${this.config.baseUrl} is reachable but failing (${res.status}).`);
      return report(true, `The endpoint ${this.config.baseUrl} is reachable (it answered ${res.status} to a HEAD request).`);
    } catch (err) {
      return report(false, `Could not reach ${this.config.baseUrl}: ${toWorkflowError(control.abortReason ?? err).message}.`);
    } finally {
      control.dispose();
    }
  }

  private body(req: WorkflowRequest): unknown {
    if (this.settings.bodyTemplate !== undefined) {
      if (!req.context) throw new UpstreamError('the http backend has a bodyTemplate but the request carries no message context', { retryable: false });
      return renderJsonTemplate(this.settings.bodyTemplate, req.context);
    }
    return {
      query: req.query,
      inputs: req.inputs,
      user: req.user,
      ...(req.conversationId ? { conversationId: req.conversationId } : {}),
      ...(req.context ? { context: req.context } : {}),
    };
  }

  private headers(traceId: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.settings.secretHeader) headers[this.settings.secretHeader] = this.config.apiKey;
    if (traceId) headers['X-Trace-Id'] = traceId;
    return headers;
  }

  private async post(body: unknown, control: AttemptControl, traceId: string | undefined): Promise<unknown> {
    const url = checkEgressUrl(this.egress.policy, this.config.baseUrl);
    const res = await this.http.request<Readable>({
      method: 'POST',
      url: this.config.baseUrl,
      data: body,
      headers: this.headers(traceId),
      signal: control.signal,
      transport: control.transport,
    });
    control.firstByte();
    if (res.status >= 300 && res.status < 400) {
      res.data.destroy();
      throw redirectFailure(url, res.status, headerValue(res.headers as Record<string, unknown>, 'location'));
    }
    const text = await readBodyText(res.data, res.status >= 400 ? 64 * 1024 : 16 * 1024 * 1024);
    if (res.status >= 400) {
      throw new HttpStatusFailure(res.status, parseJsonOrText(text), res.headers as Record<string, string | string[] | undefined>);
    }
    const contentType = headerValue(res.headers as Record<string, unknown>, 'content-type') ?? '';
    return contentType.includes('json') ? parseJsonOrText(text) : text;
  }

  private answerOf(body: unknown): string {
    if (typeof body === 'string') return body;
    const selected = this.config.outputSelector ? readJsonPath(body, this.config.outputSelector) : DEFAULT_ANSWER_PATHS.map((p) => readJsonPath(body, p)).find((v) => v !== undefined);
    if (selected === undefined || selected === null) {
      throw new UpstreamError(
        this.config.outputSelector
          ? `the http backend's answer has nothing at "${this.config.outputSelector}"`
          : `the http backend's answer has none of ${DEFAULT_ANSWER_PATHS.join(', ')}; set the output selector`,
        { retryable: false },
      );
    }
    return typeof selected === 'string' ? selected : JSON.stringify(selected);
  }
}

function report(ok: boolean, detail: string): CheckReport {
  return { ok, items: [{ name: 'endpoint', ok, detail }] };
}


