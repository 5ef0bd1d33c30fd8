import { describe, expect, it } from 'vitest';
import { classifyEvent, decodeAttachmentRef, encodeAttachmentRef, normalizeRobotMessage, readReplyTarget, type NormalizeContext } from '../../../../src/adapters/dingtalk/normalize.js';
import { dingtalkFixture, type RobotFixture } from '../../../fakes/fake-dingtalk-callbacks.js';

const ctx: NormalizeContext = { botId: 'bot-1', tenantId: 'tenant-1', receivedAt: 1_700_000_000_000, groupPolicy: 'mentions', mentionNames: [], robotCode: 'dingphtembyvlbeq2y4d' };
const fixture = (name: RobotFixture, o: Record<string, unknown> = {}) => ({ ...dingtalkFixture(name), ...o });

function message(name: RobotFixture, o: Record<string, unknown> = {}, c: Partial<NormalizeContext> = {}) {
  const r = normalizeRobotMessage(fixture(name, o), { ...ctx, ...c });
  if (r.kind !== 'message') throw new Error(`ignored: ${r.reason}`);
  return r.message;
}

describe('DingTalk robot messages → NormalizedMessage', () => {
  it('group text: conversation, sender, mention flag, trimmed text, reply target with the sessionWebhook', () => {
    const m = message('robot-text-group');
    expect(m).toMatchObject({
      id: 'msgqEufncv9gVqy7ia60LYs3w==',
      platform: 'dingtalk',
      conversation: { id: 'cidFbEwwavwcAsXDZbYqSBLnA==', type: 'group' },
      sender: { id: '01426861-1254332033', name: '骏隆' },
      text: 'ss',
      mentionsBot: true,
      attachments: [],
    });
    expect(readReplyTarget(m.replyTarget)).toEqual({
      platform: 'dingtalk',
      conversationType: 'group',
      conversationId: 'cidFbEwwavwcAsXDZbYqSBLnA==',
      userId: '01426861-1254332033',
      isStaff: true,
      robotCode: 'dingphtembyvlbeq2y4d',
      msgId: 'msgqEufncv9gVqy7ia60LYs3w==',
      sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=2664f1467475bd90fcba36234c735997',
      sessionWebhookExpiresAt: 1683363692884,
    });
  });

  it('strips configured @names in groups', () => {
    expect(message('robot-text-group', { text: { content: '@Helpdesk  how do I reset @Helpdesk my VPN?' } }, { mentionNames: ['Helpdesk'] }).text).toBe('how do I reset my VPN?');
  });

  it('external users (empty senderStaffId) fall back to senderId and are marked as non-staff', () => {
    const m = message('robot-text-external');
    expect(m.sender.id).toBe('$:LWCP_v1:$extUser+AbCdEf==');
    expect(readReplyTarget(m.replyTarget).isStaff).toBe(false);
  });

  it('group policy: mentions ignores an explicit isInAtList false; all answers it', () => {
    expect(normalizeRobotMessage(fixture('robot-text-group', { isInAtList: false }), ctx)).toMatchObject({ kind: 'ignored' });
    expect(normalizeRobotMessage(fixture('robot-text-group', { isInAtList: false }), { ...ctx, groupPolicy: 'all' })).toMatchObject({ kind: 'message' });
    // DingTalk only delivers @-messages to a group robot: a missing flag counts as mentioned.
    const { isInAtList: _drop, ...noFlag } = fixture('robot-text-group');
    expect(normalizeRobotMessage(noFlag, ctx)).toMatchObject({ kind: 'message' });
  });

  it('richText: text in order, pictures as image attachments', () => {
    const m = message('robot-richtext');
    expect(m.text).toBe('这张发票\n金额对吗？');
    expect(m.attachments).toEqual([{ kind: 'image', ref: 'dl:dingphtembyvlbeq2y4d:picDlCode0001', mime: 'image/jpeg' }]);
  });

  it('picture, file and video by downloadCode; audio uses the recognition as text and keeps the audio', () => {
    expect(message('robot-picture').attachments).toEqual([{ kind: 'image', ref: 'dl:dingphtembyvlbeq2y4d:picDlCode0002', mime: 'image/jpeg' }]);
    expect(message('robot-file').attachments).toEqual([{ kind: 'file', ref: 'dl:dingphtembyvlbeq2y4d:fileDlCode0001', name: '报销单.pdf' }]);
    expect(message('robot-video').attachments).toEqual([{ kind: 'video', ref: 'dl:dingphtembyvlbeq2y4d:videoDlCode0001', mime: 'video/mp4' }]);
    const audio = message('robot-audio');
    expect(audio.text).toBe('明天下午三点开会');
    expect(audio.attachments).toEqual([{ kind: 'audio', ref: 'dl:dingphtembyvlbeq2y4d:audioDlCode0001' }]);
  });

  it('unknownMsgType and other types are ignored with a reason; malformed messages are a 400', () => {
    expect(normalizeRobotMessage(fixture('robot-unknown'), ctx)).toEqual({ kind: 'ignored', reason: expect.stringContaining('unknownMsgType') });
    expect(normalizeRobotMessage(fixture('robot-text-single', { msgtype: 'interactiveCard' }), ctx)).toEqual({ kind: 'ignored', reason: 'unsupported msgtype interactiveCard' });
    expect(() => normalizeRobotMessage(fixture('robot-text-single', { msgId: undefined }), ctx)).toThrow(expect.objectContaining({ status: 400, code: 'bad_message' }));
  });

  it('attachment refs round-trip (one encode/decode pair)', () => {
    for (const ref of [{ robotCode: 'dingabc', downloadCode: 'a:b/c+d==' }, { robotCode: 'r', downloadCode: 'x' }]) {
      expect(decodeAttachmentRef(encodeAttachmentRef(ref))).toEqual(ref);
    }
    expect(() => decodeAttachmentRef('media:123')).toThrow();
  });

  it('events: check_url and the rest', () => {
    expect(classifyEvent({ EventType: 'check_url' })).toEqual({ kind: 'check_url' });
    expect(classifyEvent({ EventType: 'chat_update_title' })).toEqual({ kind: 'event', eventType: 'chat_update_title' });
  });
});
