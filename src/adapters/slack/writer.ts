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

  /**
   * A writer continuing messages an earlier attempt posted from the same rendering (`postedTs` are the first of
   * `messages`): they count as shown, so `apply` neither posts nor edits them again.
   */
  static resume(api: SlackApi, channel: string, threadTs: string | undefined, postedTs: readonly string[], messages: readonly SlackMessage[]): SlackMessageWriter {
    const writer = new SlackMessageWriter(api, channel, threadTs, postedTs);
    writer.items.forEach((item, i) => {
      const message = messages[i];
      if (message) item.key = JSON.stringify(message);
    });
    return writer;
  }

  get timestamps(): string[] {
    return this.items.map((i) => i.ts);
  }

  async postPlaceholder(text: string): Promise<string> {
    const message: SlackMessage = { text, blocks: [contextBlock(`:hourglass_flowing_sand: ${escapeMrkdwn(text)}`)] };
    await this.apply([message]);
    return this.items[0]?.ts ?? '';
  }

  /** `onPosted` is awaited after each new message is posted, with every timestamp so far. */
  async apply(messages: readonly SlackMessage[], onPosted?: (timestamps: string[]) => Promise<void>): Promise<void> {
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
        await onPosted?.(this.timestamps);
      }
    }
    while (this.items.length > messages.length) {
      const surplus = this.items.pop();
      if (surplus) await this.api.call('chat.delete', { channel: this.channel, ts: surplus.ts });
    }
  }
}
