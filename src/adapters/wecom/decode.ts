/**
 * Step 3 of the hot path for WeCom callbacks: take the envelope apart, decrypt, parse. Pure (no I/O).
 *
 * The outer envelope is read **before** anyone is authenticated, so it is never fully parsed: a strict scanner
 * pulls `<Encrypt>` (and the routing hints ToUserName/AgentID) out of the app XML, and the smart bot's JSON
 * envelope is one `JSON.parse` of a size-capped body. Only the small, authenticated inner XML goes through
 * fast-xml-parser, with hardened settings (no entities, no DOCTYPE, values kept as strings, nesting capped,
 * dangerous names rejected), and its result is copied into a null-prototype record of string fields.
 */
import { XMLParser } from 'fast-xml-parser';
import type { WecomCrypto } from '../../crypto/wecom-crypto.js';
import { fromCryptoError, WecomDecodeError } from './errors.js';

/** Outer XML fields we read. All are unauthenticated until the signature over `encrypt` is checked. */
export interface OuterEnvelope {
  encrypt: string;
  toUserName?: string;
  agentId?: string;
}

/** Largest encrypted payload we accept (the server caps the body before us; this bounds the scanner too). */
export const MAX_ENCRYPT_CHARS = 1_000_000;
const BASE64_CHARS = /^[A-Za-z0-9+/=]*$/;
const ID_CHARS = /^[A-Za-z0-9_.@-]*$/;
/** Encrypt is only structurally checked here: strict base64 is enforced after the signature check. */
const ANY_TEXT = /(?:)/;

function bodyText(raw: Buffer | string): string {
  return typeof raw === 'string' ? raw : raw.toString('utf8');
}

/** Rejects DOCTYPE / ENTITY / processing-instruction tricks anywhere in the document. */
function rejectDeclarations(xml: string): void {
  let i = xml.indexOf('<!');
  while (i !== -1) {
    if (!xml.startsWith('<![CDATA[', i)) {
      throw new WecomDecodeError('bad_xml', 'XML declarations (DOCTYPE, ENTITY, comments) are not accepted', {
        wecomCode: -40002,
      });
    }
    const end = xml.indexOf(']]>', i + 9);
    if (end === -1) throw new WecomDecodeError('bad_xml', 'Unterminated CDATA section', { wecomCode: -40002 });
    i = xml.indexOf('<!', end + 3);
  }
}

/**
 * Reads one `<Tag>value</Tag>` or `<Tag><![CDATA[value]]></Tag>` at the top level of the outer XML.
 * Returns undefined when absent; throws when present twice or malformed.
 */
function scanTag(xml: string, tag: string, allowed: RegExp, maxLen: number): string | undefined {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const start = xml.indexOf(open);
  if (start === -1) return undefined;
  if (xml.indexOf(open, start + open.length) !== -1) {
    throw new WecomDecodeError('bad_xml', `<${tag}> appears more than once`, { wecomCode: -40002 });
  }
  const end = xml.indexOf(close, start + open.length);
  if (end === -1) throw new WecomDecodeError('bad_xml', `<${tag}> is not closed`, { wecomCode: -40002 });
  let value = xml.slice(start + open.length, end).trim();
  if (value.startsWith('<![CDATA[')) {
    if (!value.endsWith(']]>')) throw new WecomDecodeError('bad_xml', `<${tag}> has a broken CDATA section`);
    value = value.slice(9, -3);
  }
  if (value.length > maxLen || (allowed !== ANY_TEXT && !allowed.test(value)) || value.includes('<')) {
    throw new WecomDecodeError('bad_xml', `<${tag}> has unexpected content`, { wecomCode: -40002 });
  }
  return value;
}

/**
 * Strict, allocation-light scanner for the app callback envelope
 * `<xml><ToUserName>…</ToUserName><AgentID>…</AgentID><Encrypt>…</Encrypt></xml>`.
 */
export function scanOuterXml(raw: Buffer | string): OuterEnvelope {
  let xml = bodyText(raw).trim();
  if (xml.startsWith('<?xml')) {
    const declEnd = xml.indexOf('?>');
    if (declEnd === -1 || declEnd > 200) throw new WecomDecodeError('bad_xml', 'Malformed XML declaration');
    xml = xml.slice(declEnd + 2).trimStart();
  }
  if (!xml.startsWith('<xml>') || !xml.endsWith('</xml>')) {
    throw new WecomDecodeError('bad_xml', 'Body is not a WeCom <xml> envelope', { wecomCode: -40002 });
  }
  rejectDeclarations(xml);
  const encrypt = scanTag(xml, 'Encrypt', ANY_TEXT, MAX_ENCRYPT_CHARS);
  if (!encrypt) throw new WecomDecodeError('missing_encrypt', 'The envelope has no <Encrypt> field', { wecomCode: -40002 });
  const toUserName = scanTag(xml, 'ToUserName', ID_CHARS, 128);
  const agentId = scanTag(xml, 'AgentID', ID_CHARS, 32);
  return { encrypt, toUserName: toUserName || undefined, agentId: agentId || undefined };
}

/** The smart bot's envelope `{"encrypt": "…"}`. */
export function parseSmartBotEnvelope(raw: Buffer | string): { encrypt: string } {
  const text = bodyText(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WecomDecodeError('bad_json', 'Body is not JSON');
  }
  const encrypt = isRecord(parsed) ? parsed.encrypt : undefined;
  if (typeof encrypt !== 'string' || encrypt.length === 0) {
    throw new WecomDecodeError('missing_encrypt', 'The envelope has no "encrypt" field');
  }
  if (encrypt.length > MAX_ENCRYPT_CHARS || !BASE64_CHARS.test(encrypt)) {
    throw new WecomDecodeError('bad_base64', 'The "encrypt" field is not base64', { wecomCode: -40010 });
  }
  return { encrypt };
}

/** Decrypts an authenticated payload; crypto failures become 400s with the official code kept. */
export function decryptPayload(crypto: WecomCrypto, encrypt: string): string {
  try {
    return crypto.decrypt(encrypt);
  } catch (err) {
    throw fromCryptoError(err);
  }
}

/** Nesting WeCom's inner XML needs (events such as `SendPicsInfo/PicList/item` go 4 deep) with headroom. */
export const MAX_XML_DEPTH = 8;

const innerParser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: false,
  commentPropName: false,
  maxNestedTags: MAX_XML_DEPTH,
  // Never rename into something that could shadow Object.prototype; unknown names stay as they are.
  onDangerousProperty: (name: string) => `__unsafe_${name}`,
});

/** Decrypted app message fields: flat, string-valued, null-prototype. Nested elements are kept as JSON text. */
export type InnerFields = Readonly<Record<string, string>>;

/**
 * Fast path for the common case, a flat document `<xml><Tag>text</Tag><Tag><![CDATA[text]]></Tag>…</xml>`:
 * a strict scanner (~10× faster than the full parser). Anything else (nesting, attributes, comments, mixed
 * content, repeated or unusual tag names) returns undefined and goes to the hardened parser, which yields the
 * same fields for flat documents (a property test holds the two together).
 */
const FLAT_TAG = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function scanFlatXml(xml: string): InnerFields | undefined {
  const doc = xml.trim();
  if (!doc.startsWith('<xml>') || !doc.endsWith('</xml>')) return undefined;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 5;
  const end = doc.length - 6;
  while (i < end) {
    const c = doc.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    if (c !== 0x3c /* < */) return undefined;
    const close = doc.indexOf('>', i + 1);
    if (close === -1 || close > end) return undefined;
    const name = doc.slice(i + 1, close);
    if (!FLAT_TAG.test(name) || name in out || CRITICAL_NAMES.has(name)) return undefined;
    const endTag = `</${name}>`;
    const valueStart = close + 1;
    let value: string;
    let next: number;
    if (doc.startsWith('<![CDATA[', valueStart)) {
      const cdataEnd = doc.indexOf(']]>', valueStart + 9);
      if (cdataEnd === -1 || !doc.startsWith(endTag, cdataEnd + 3)) return undefined;
      value = doc.slice(valueStart + 9, cdataEnd); // CDATA is kept exactly, as the full parser does
      next = cdataEnd + 3 + endTag.length;
    } else {
      const valueEnd = doc.indexOf('<', valueStart);
      if (valueEnd === -1 || !doc.startsWith(endTag, valueEnd)) return undefined;
      value = doc.slice(valueStart, valueEnd).trim();
      next = valueEnd + endTag.length;
    }
    out[name] = value;
    i = next;
  }
  return out;
}

/** Names the hardened parser refuses or renames: such documents always take the full-parser path. */
const CRITICAL_NAMES = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'xml',
]);

/** Parses the decrypted inner XML (authenticated, small) into flat string fields. */
export function parseInnerXml(xml: string): InnerFields {
  rejectDeclarations(xml);
  const flat = scanFlatXml(xml);
  if (flat) return flat;
  return parseInnerXmlFull(xml);
}

/** The hardened fast-xml-parser path (nested events, anything the flat scanner does not accept). */
export function parseInnerXmlFull(xml: string): InnerFields {
  rejectDeclarations(xml);
  let doc: unknown;
  try {
    doc = innerParser.parse(xml);
  } catch (err) {
    throw new WecomDecodeError('bad_xml', 'Decrypted message is not valid XML', { wecomCode: -40002, cause: err });
  }
  const rawRoot = isRecord(doc) ? doc.xml : undefined;
  // `<xml></xml>` parses to '' : an empty document, not a missing root.
  const root = rawRoot === '' ? {} : rawRoot;
  if (!isRecord(root)) throw new WecomDecodeError('bad_xml', 'Decrypted message has no <xml> root', { wecomCode: -40002 });
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(root)) {
    const value = root[key];
    if (typeof value === 'string') out[key] = value;
    else if (value !== undefined && value !== null) out[key] = JSON.stringify(value);
  }
  return out;
}

/** Parses the smart bot's decrypted JSON message (validated field by field in normalize). */
export function parseSmartBotJson(json: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new WecomDecodeError('bad_json', 'Decrypted message is not JSON', { cause: err });
  }
  if (!isRecord(parsed)) throw new WecomDecodeError('bad_json', 'Decrypted message is not a JSON object');
  return parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
