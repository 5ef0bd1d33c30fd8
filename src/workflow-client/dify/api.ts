import type { Readable } from 'node:stream';
import axios, { type AxiosInstance, type RawAxiosRequestHeaders } from 'axios';
import { checkEgressUrl, egressAxiosOptions, processEgress, type EgressAgents } from '../../egress/index.js';
import type { AttemptControl, DnsLookup } from '../attempt.js';
import { HttpStatusFailure, redirectFailure } from '../errors.js';
import { headerValue, parseJsonOrText, readBodyText } from '../http-body.js';

export interface DifyResponse {
  status: number;
  contentType: string;
  body: Readable;
}

/** Makes `https://host` and `https://host/` mean `https://host/v1`; keeps any other path as configured. */
export function normalizeDifyBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path === '' ? '/v1' : path;
  return url.toString().replace(/\/+$/, '');
}

/**
 * The Dify service API over axios: one instance per client, Bearer key, no redirects, bodies read as streams.
 * Every error status is thrown as HttpStatusFailure (body parsed), to be translated by toWorkflowError.
 * Calls go through the egress policy (URL checked before, address checked at connect time).
 */
export class DifyApi {
  readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly egress: EgressAgents;

  constructor(baseUrl: string, apiKey: string, lookup?: DnsLookup, egress: EgressAgents = processEgress()) {
    this.baseUrl = normalizeDifyBaseUrl(baseUrl);
    this.egress = egress;
    this.http = axios.create({
      ...egressAxiosOptions(egress),
      baseURL: this.baseUrl,
      headers: { Authorization: `Bearer ${apiKey}` },
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'stream',
      maxContentLength: -1,
      ...(lookup ? { lookup } : {}),
    });
  }

  /** POST with a JSON body; resolves with the open response once the headers are in (status < 400). */
  async post(path: string, body: unknown, control: AttemptControl, headers: RawAxiosRequestHeaders = {}): Promise<DifyResponse> {
    return this.send('POST', path, body, control, { 'Content-Type': 'application/json', ...headers });
  }

  async get(path: string, control: AttemptControl): Promise<DifyResponse> {
    return this.send('GET', path, undefined, control, {});
  }

  async postForm(path: string, form: FormData, control: AttemptControl): Promise<DifyResponse> {
    return this.send('POST', path, form, control, {});
  }

  /** Reads a JSON answer whole. */
  async json(response: DifyResponse, maxBytes = 16 * 1024 * 1024): Promise<unknown> {
    return parseJsonOrText(await readBodyText(response.body, maxBytes));
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    data: unknown,
    control: AttemptControl,
    headers: RawAxiosRequestHeaders,
  ): Promise<DifyResponse> {
    const url = checkEgressUrl(this.egress.policy, `${this.baseUrl}${path}`);
    const res = await this.http.request<Readable>({
      method,
      url: path,
      data,
      headers,
      signal: control.signal,
      transport: control.transport,
    });
    control.firstByte();
    const responseHeaders = res.headers as Record<string, string | string[] | undefined>;
    if (res.status >= 300 && res.status < 400) {
      res.data.destroy();
      throw redirectFailure(url, res.status, headerValue(responseHeaders, 'location'));
    }
    if (res.status >= 400) {
      const text = await readBodyText(res.data, 64 * 1024);
      throw new HttpStatusFailure(res.status, parseJsonOrText(text), responseHeaders);
    }
    return { status: res.status, contentType: headerValue(responseHeaders, 'content-type') ?? '', body: res.data };
  }
}
