import type { Logger } from '../observability/logger.js';
import { createBullmqQueue, type BullmqQueueConfig } from './bullmq.js';
import { createInlineQueue } from './inline.js';
import type { Queue, QueueOptions } from './types.js';

export interface CreateQueueConfig extends Partial<Omit<BullmqQueueConfig, 'redisUrl' | 'queueName'>> {
  /** Set: BullMQ on this Redis. Unset: the in-process queue. */
  redisUrl?: string;
  /** BullMQ queue name. @defaultValue 'messages' */
  queueName?: string;
}

export const DEFAULT_QUEUE_NAME = 'messages';

/** BullMQ when a Redis URL is configured, else the in-process queue (embedded default). */
export function createQueue(config: CreateQueueConfig, opts: QueueOptions, logger: Logger): Queue {
  const { redisUrl, queueName, ...bullmq } = config;
  if (redisUrl) return createBullmqQueue({ ...bullmq, redisUrl, queueName: queueName ?? DEFAULT_QUEUE_NAME }, opts, logger);
  return createInlineQueue(opts, logger);
}
