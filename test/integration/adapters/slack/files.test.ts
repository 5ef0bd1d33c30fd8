import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../../fakes/fake-slack.js';
import { slackAdapter, slackBot } from './helpers.js';

let fake: FakeSlack;
beforeEach(async () => {
  fake = await FakeSlack.start();
});
afterEach(async () => {
  await fake.close();
});

describe('Slack downloadAttachment', () => {
  it('downloads url_private_download with the bot token', async () => {
    const url = fake.addFile('report.pdf', Buffer.from('%PDF-1.7 hello'), 'application/pdf');
    const { adapter } = slackAdapter(fake);
    const file = await adapter.downloadAttachment!(slackBot(fake), { kind: 'file', ref: url, name: 'report.pdf' });
    expect(file).toMatchObject({ name: 'report.pdf', mime: 'application/pdf' });
    expect(file.data.toString()).toBe('%PDF-1.7 hello');
  });

  it('caps the size', async () => {
    const url = fake.addFile('big.bin', Buffer.alloc(4096, 1));
    const { adapter } = slackAdapter(fake);
    await expect(adapter.downloadAttachment!(slackBot(fake, { settings: { maxFileBytes: 1024 } }), { kind: 'file', ref: url })).rejects.toMatchObject({
      code: 'slack_file_too_large',
      retryable: false,
    });
  });

  it('explains a login page (no files:read)', async () => {
    const url = fake.addFile('x.txt', Buffer.from('x'));
    const { adapter } = slackAdapter(fake);
    await expect(
      adapter.downloadAttachment!(slackBot(fake, { credentials: { botToken: 'xoxb-other' } }), { kind: 'file', ref: url }),
    ).rejects.toMatchObject({ code: 'slack_file_forbidden' });
  });

  it('never sends the token to a foreign host', async () => {
    const { adapter } = slackAdapter(fake);
    await expect(
      adapter.downloadAttachment!(slackBot(fake), { kind: 'file', ref: 'https://evil.example.com/files-pri/x' }),
    ).rejects.toMatchObject({ code: 'slack_file_foreign_host' });
  });
});
