import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInnerXml, parseInnerXmlFull, scanFlatXml, scanOuterXml } from '../../../../src/adapters/wecom/decode.js';
import { WecomDecodeError } from '../../../../src/adapters/wecom/errors.js';
import { fixture } from './helpers.js';

const FIXTURES = [
  'app-text.xml',
  'app-image.xml',
  'app-voice.xml',
  'app-video.xml',
  'app-file.xml',
  'app-location.xml',
  'app-link.xml',
  'app-event-enter-agent.xml',
  'app-event-subscribe.xml',
  'app-event-unsubscribe.xml',
];

describe('inner XML: fast flat scanner and hardened parser agree', () => {
  it('on every fixture', () => {
    for (const name of FIXTURES) {
      const xml = fixture(name);
      const flat = scanFlatXml(xml);
      expect(flat, name).toBeDefined();
      expect({ ...flat }).toEqual({ ...parseInnerXmlFull(xml) });
    }
  });

  it('on random flat documents (property); the scanner declines what it does not fully understand', () => {
    const tag = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,12}$/);
    const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('<') && !s.includes(']]>'));
    const value = fc.oneof(
      text.map((t) => ({ raw: `<![CDATA[${t}]]>` })),
      text.filter((t) => !t.includes('&') && !t.includes('>')).map((t) => ({ raw: t })),
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(tag, value), { selector: (e) => e[0], maxLength: 12 }), fc.constantFrom('', '\n', ' '), (fields, sep) => {
        const xml = `<xml>${sep}${fields.map(([k, v]) => `<${k}>${v.raw}</${k}>`).join(sep)}${sep}</xml>`;
        const flat = scanFlatXml(xml);
        const full = parseInnerXmlFull(xml);
        if (flat) expect({ ...flat }).toEqual({ ...full });
        expect({ ...parseInnerXml(xml) }).toEqual({ ...full });
      }),
      { numRuns: 500 },
    );
  });

  it('nested, attributed or hostile documents go to the hardened parser', () => {
    expect(scanFlatXml('<xml><A><B>1</B></A></xml>')).toBeUndefined();
    expect(scanFlatXml('<xml><A x="1">1</A></xml>')).toBeUndefined();
    expect(scanFlatXml('<xml><__proto__>1</__proto__></xml>')).toBeUndefined();
    expect(scanFlatXml('<xml><A>1</A><A>2</A></xml>')).toBeUndefined();
    expect(() => parseInnerXml('<xml><__proto__>1</__proto__></xml>')).toThrow(WecomDecodeError);
    const nested = parseInnerXml('<xml><Event>sys</Event><SendPicsInfo><Count>1</Count></SendPicsInfo></xml>');
    expect(nested.Event).toBe('sys');
    expect(JSON.parse(nested.SendPicsInfo!)).toEqual({ Count: '1' });
    expect(Object.getPrototypeOf(nested)).toBeNull();
  });
});

describe('outer envelope scanner', () => {
  it('pulls Encrypt (CDATA or bare), ToUserName and AgentID', () => {
    expect(scanOuterXml('<xml><ToUserName><![CDATA[ww1]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[ab+/cd==]]></Encrypt></xml>')).toEqual({
      encrypt: 'ab+/cd==',
      toUserName: 'ww1',
      agentId: '1000002',
    });
    expect(scanOuterXml('<?xml version="1.0"?>\n<xml>\n  <Encrypt>QUJD</Encrypt>\n</xml>\n')).toEqual({ encrypt: 'QUJD', toUserName: undefined, agentId: undefined });
  });

  it('rejects what is not a single, well-delimited envelope', () => {
    for (const body of [
      '',
      '<xml><Encrypt>a</Encrypt>',
      '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>',
      '<xml><Encrypt><x>a</x></Encrypt></xml>',
      '<xml><Encrypt><![CDATA[a</Encrypt></xml>',
      '<xml><!-- c --><Encrypt>a</Encrypt></xml>',
      '<!DOCTYPE x><xml><Encrypt>a</Encrypt></xml>',
      '<xml><ToUserName>a"b</ToUserName><Encrypt>a</Encrypt></xml>',
    ]) {
      expect(() => scanOuterXml(body), body).toThrow(WecomDecodeError);
    }
  });
});
