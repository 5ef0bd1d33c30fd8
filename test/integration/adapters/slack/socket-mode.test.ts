import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackAdapter } from '../../../../src/adapters/slack/index.js';
import { FakeSlack } from '../../../fakes/fake-slack.js';
import { slackFixtureJson } from '../../../fixtures/slack/index.js';
import { RecordingInbox, slackAdapter, slackBot, sleep } from './helpers.js';

let fake: FakeSlack;
let adapter: SlackAdapter;
beforeEach(async () => {
  fake = await FakeSlack.start();
  adapter = slackAdapter(fake, {
    socketModeClientOptions: { autoReconnectEnabled: false, clientOptions: { retryConfig: { retries: 0 } } },
  }).adapter;
});
afterEach(async () => {
  await adapter.close?.();
  await fake.close();
});

const socketBot = () =>
  slackBot(fake, { mode: 'socket', credentials: { appToken: fake.appToken, botUserId: 'U0BOT', botId: 'B0BOT', signingSecret: '' } });

function socketBotClean() {
  const b = socketBot();
  const { signingSecret: _s, ...credentials } = b.credentials;
  return { ...b, credentials };
}

describe('Slack Socket Mode', () => {
  it('connects, accepts the event into the inbox, then acks the envelope', async () => {
    const inbox = new RecordingInbox();
    await adapter.start!(socketBotClean(), { inbox });
    await fake.socket.connected();
    expect(fake.callsTo('apps.connections.open')[0]?.token).toBe(fake.appToken);

    const ack = await fake.socket.send('events_api', slackFixtureJson('dm'));
    const ackedAt = Date.now();
    expect(ack.envelope_id).toBeTruthy();
    expect(inbox.accepted).toHaveLength(1);
    expect(inbox.accepted[0]?.at).toBeLessThanOrEqual(ackedAt);
    expect(inbox.accepted[0]?.messages[0]).toMatchObject({ id: 'D0DM:1700000001.000100', conversation: { id: 'D0DM', type: 'direct' } });
  });

  it('acks ignored events without accepting anything', async () => {
    const inbox = new RecordingInbox();
    await adapter.start!(socketBotClean(), { inbox });
    await fake.socket.connected();
    const ack = await fake.socket.send('events_api', slackFixtureJson('bot-message'));
    expect(ack.envelope_id).toBeTruthy();
    expect(inbox.accepted).toHaveLength(0);
  });

  it('acks a redelivered event with the same message id', async () => {
    const inbox = new RecordingInbox();
    await adapter.start!(socketBotClean(), { inbox });
    await fake.socket.connected();
    await fake.socket.send('events_api', slackFixtureJson('app-mention'));
    await fake.socket.send('events_api', slackFixtureJson('app-mention'), { retryAttempt: 1, retryReason: 'timeout' });
    expect(inbox.accepted.map((a) => a.messages[0]?.id)).toEqual(['C0CHAN:1700000002.000200', 'C0CHAN:1700000002.000200']);
  });

  it('does not ack when the inbox cannot accept (Slack redelivers)', async () => {
    const inbox = new RecordingInbox();
    inbox.failWith = new Error('database down');
    await adapter.start!(socketBotClean(), { inbox });
    await fake.socket.connected();
    await expect(fake.socket.send('events_api', slackFixtureJson('dm'), { timeoutMs: 500 })).rejects.toThrow(/not acked/);
  });

  it('passes slash commands through and acks with the response payload', async () => {
    const inbox = new RecordingInbox();
    await adapter.start!(socketBotClean(), { inbox });
    await fake.socket.connected();
    const ack = await fake.socket.send('slash_commands', {
      command: '/ask',
      text: 'hello',
      channel_id: 'C0CHAN',
      user_id: 'U0USER',
      team_id: 'T0FAKE',
      trigger_id: '1.2.3',
    });
    expect(ack.payload).toEqual({ response_type: 'in_channel' });
    expect(inbox.accepted[0]?.messages[0]).toMatchObject({ id: 'command:1.2.3', text: 'hello' });
  });

  it('stops cleanly', async () => {
    await adapter.start!(socketBotClean(), { inbox: new RecordingInbox() });
    await fake.socket.connected();
    await adapter.stop!('bot-1');
    await sleep(100);
    expect(fake.socket.connections).toBe(0);
  });

  it('fails to start with a bad app token', async () => {
    const b = socketBotClean();
    await expect(adapter.start!({ ...b, credentials: { ...b.credentials, appToken: 'xapp-wrong' } }, { inbox: new RecordingInbox() })).rejects.toMatchObject({
      code: 'slack_invalid_auth',
    });
  });
});
