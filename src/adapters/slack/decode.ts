import { BadRequestError } from '../../errors.js';

/**
 * Turns a verified raw body into what Slack sent, pure. Events API bodies are JSON; interactivity arrives as a
 * form with one `payload=<json>` field; slash commands and Slack's `ssl_check` are plain forms.
 */
export type SlackInbound =
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'ssl_check' }
  | { kind: 'event'; body: Record<string, unknown> }
  | { kind: 'interactive'; body: Record<string, unknown> }
  | { kind: 'command'; body: Record<string, string> };

export function decodeSlackBody(rawBody: Buffer, contentType: string | undefined): SlackInbound {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = rawBody.toString('utf8');
  if (type === 'application/json' || (type === '' && text.trimStart().startsWith('{'))) return decodeJson(text);
  if (type === 'application/x-www-form-urlencoded' || type === '') return decodeForm(text);
  throw new BadRequestError('slack_bad_content_type', `Unsupported content type ${type}`, { status: 415 });
}

function decodeJson(text: string): SlackInbound {
  const body = parseObject(text);
  if (body.type === 'url_verification') {
    if (typeof body.challenge !== 'string' || body.challenge === '' || body.challenge.length > 512) {
      throw new BadRequestError('slack_bad_challenge', 'url_verification without a challenge');
    }
    return { kind: 'url_verification', challenge: body.challenge };
  }
  if (body.type === 'event_callback') {
    if (!isRecord(body.event) || typeof body.event.type !== 'string') {
      throw new BadRequestError('slack_bad_event', 'event_callback without an event');
    }
    return { kind: 'event', body };
  }
  if (body.type === 'app_rate_limited') return { kind: 'event', body };
  throw new BadRequestError('slack_unknown_body', 'Unrecognised Slack JSON body');
}

function decodeForm(text: string): SlackInbound {
  const form = new URLSearchParams(text);
  if (form.get('ssl_check') === '1') return { kind: 'ssl_check' };
  const payload = form.get('payload');
  if (payload !== null) {
    const body = parseObject(payload);
    if (typeof body.type !== 'string') throw new BadRequestError('slack_bad_payload', 'Interactivity payload without a type');
    return { kind: 'interactive', body };
  }
  if (form.has('command')) {
    const body: Record<string, string> = {};
    for (const [k, v] of form) body[k] = v;
    if (!body.channel_id || !body.user_id) throw new BadRequestError('slack_bad_command', 'Slash command without channel or user');
    return { kind: 'command', body };
  }
  throw new BadRequestError('slack_unknown_body', 'Unrecognised Slack form body');
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError('slack_bad_json', 'Body is not valid JSON', { cause: err });
  }
  if (!isRecord(value)) throw new BadRequestError('slack_bad_json', 'Body is not a JSON object');
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
