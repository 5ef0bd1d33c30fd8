/**
 * The peer: a @slack/bolt App with its own HTTPReceiver and one `message` listener, acking the same signed events.
 * Configured as its docs show (token, signing secret) plus botId/botUserId so it makes no auth.test call.
 * It persists nothing.
 */
import bolt from '@slack/bolt';
import { BENCH_SLACK } from '../lib/slack-events.js';

const app = new bolt.App({
  token: BENCH_SLACK.botToken,
  signingSecret: BENCH_SLACK.signingSecret,
  botId: BENCH_SLACK.botId,
  botUserId: BENCH_SLACK.botUserId,
  logLevel: bolt.LogLevel.ERROR,
  convoStore: process.env.BOLT_CONVO_STORE === 'off' ? false : undefined,
});
let seen = 0;
app.message(async () => {
  seen++;
});
const server = (await app.start(0)) as import('node:http').Server;
const address = server.address();
console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(seen >= 0 ? 0 : 1)));
