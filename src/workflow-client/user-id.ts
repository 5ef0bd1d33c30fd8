import { createHash } from 'node:crypto';

/**
 * The workflow engine's `user` for a chat sender: stable across runs and restarts, distinct per platform.
 * Readable (`slack:U024BE7LH`) when the sender id is short and plain; otherwise a hash, so odd or very long ids
 * never reach the engine as they are.
 */
export function userIdFor(platform: string, senderId: string): string {
  if (/^[A-Za-z0-9_.@:-]{1,64}$/.test(senderId)) return `${platform}:${senderId}`;
  const digest = createHash('sha256').update(senderId, 'utf8').digest('hex').slice(0, 32);
  return `${platform}:h-${digest}`;
}
