/** A file to send or an input file downloaded from the platform. */
export interface FilePayload {
  name: string;
  mime: string;
  data: Buffer;
}

/** A file produced by the workflow; either already downloaded (data) or reachable (url). */
export interface ReplyFile {
  name: string;
  mime?: string;
  url?: string;
  /**
   * True when `url` is on the workflow service's own host (its signed file links): senders may fetch and upload
   * it. Other URLs are only linked (see adapters/reply-files.ts).
   */
  hostedByWorkflow?: boolean;
  data?: Buffer;
  kind?: 'image' | 'file' | 'audio' | 'video';
}

export interface Reply {
  /** Markdown as produced by the workflow. The sender renders it for its platform. */
  text: string;
  files?: ReplyFile[];
  /** Optional small print (usage, cost); senders may render it as a context line. */
  footer?: string;
}

/** What a sender returns: enough to edit the message later. Persisted on the Delivery row. */
export interface SentRef {
  platformMessageId: string;
  /** Adapter-specific extra needed to update (channel id, stream id, ...). */
  data?: Record<string, unknown>;
}

/** One part of a reply that reached the platform (a text message, a file), as its sender recorded it. */
export interface DeliveredPart {
  /** The answer's text reached the user with this part. */
  text?: boolean;
  /** What the part created on the platform (message ts, msgid, file id), so a later attempt can continue after it. */
  ids?: string[];
  /** Sender-specific facts about the part (JSON). */
  data?: Record<string, unknown>;
  /** Delivered, but not as intended (a file posted as a link): shown on the message. */
  warning?: string;
}

/**
 * What earlier attempts of one delivery already put on the platform. A sender skips the parts found here and
 * records each part as soon as it is on the platform (awaiting the record before the next part), so a retried
 * delivery never posts a part twice. Part names are the sender's own ('text', 'file:0', ...).
 */
export interface DeliveryProgress {
  get(part: string): DeliveredPart | undefined;
  record(part: string, delivered: DeliveredPart): Promise<void>;
}
