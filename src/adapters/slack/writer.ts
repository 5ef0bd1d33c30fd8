import { contextBlock, escapeMrkdwn, type SlackMessage } from './render.js';
import type { SlackApi } from './web-api.js';

/**
 * The messages of one answer in one place (channel + thread). `apply` makes Slack show the given messages:
 * it edits the ones already posted when their content changed, posts the missing ones (follow-ups for a long
 * answer) and removes surplus ones. Edits are skipped when nothing changed.
 */
export class SlackMessageWriter {
  private readonly items: { ts: string; key: string }[];

  constructor(
    private readonly api: SlackApi,
    readonly channel: string,
    readonly threadTs: string | undefined,
    existingTs: readonly string[] = [],
  ) {
    this.items = existingTs.map((ts) => ({ ts, key: '' }));
  }

  get timestamps(): string[] {
    return this.items.map((i) => i.ts);
  }

  async postPlaceholder(text: string): Promise<string> {
    const message: SlackMessage = { text, blocks: [contextBlock(`:hourglass_flowing_sand: ${escapeMrkdwn(text)}`)] };
    await this.apply([message]);
    return this.items[0]?.ts ?? '';
  }

  async apply(messages: readonly SlackMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      if (!message) continue;
      const key = JSON.stringify(message);
      const item = this.items[i];
      if (item) {
        if (item.key === key) continue;
        await this.api.call('chat.update', { channel: this.channel, ts: item.ts, text: message.text, blocks: message.blocks });
        item.key = key;
      } else {
        const res = await this.api.call<{ ok: boolean; ts?: string; channel?: string }>('chat.postMessage', {
          channel: this.channel,
          ...(this.threadTs ? { thread_ts: this.threadTs } : {}),
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
        this.items.push({ ts: String(res.ts ?? ''), key });
      }
    }
    while (this.items.length > messages.length) {
      const surplus = this.items.pop();
      if (surplus) await this.api.call('chat.delete', { channel: this.channel, ts: surplus.ts });
    }
  }
}
