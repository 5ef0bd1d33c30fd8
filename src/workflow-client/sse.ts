import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { AttemptControl } from './attempt.js';
import { StreamInterrupted } from './errors.js';

/** What to do after one event: keep reading, or stop (terminal event seen). */
export type SseVerdict = 'continue' | 'stop';

/** Longest single SSE event we buffer (a large workflow output fits; a runaway stream does not). */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Reads an SSE body with eventsource-parser. Every chunk (pings included) restarts the attempt's idle timer.
 * Returns 'stop' when `onEvent` asked to stop, 'ended' when the body ended first. Rejects when the stream
 * errors (abort, reset) or an event exceeds the buffer cap.
 */
export function readSse(
  body: Readable,
  control: AttemptControl,
  onEvent: (message: EventSourceMessage) => SseVerdict,
): Promise<'stop' | 'ended'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopped = false;
    const decoder = new StringDecoder('utf8');
    const parser = createParser({
      maxBufferSize: MAX_EVENT_CHARS,
      onEvent: (message) => {
        if (!stopped && onEvent(message) === 'stop') stopped = true;
      },
      onError: (err) => {
        // Unknown fields and bad retry values are ignored, as the SSE spec says; an oversized event is fatal.
        if (err.type === 'max-buffer-size-exceeded') finish(err);
      },
    });

    const finish = (err?: unknown, verdict?: 'stop' | 'ended') => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      control.signal.removeEventListener('abort', onAbort);
      if (!body.destroyed) body.destroy();
      if (err === undefined) resolve(verdict ?? 'ended');
      // Our own abort (timeout, caller) is told by the attempt; anything else broke the stream mid-way.
      else if (control.abortReason || !(err instanceof Error) || err.name === 'ParseError') reject(err);
      else reject(new StreamInterrupted(err.message));
    };
    const onData = (chunk: Buffer | string) => {
      control.activity();
      try {
        parser.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      } catch (err) {
        finish(err); // a throwing onText callback, or the parser after termination
        return;
      }
      if (stopped) finish(undefined, 'stop');
    };
    const onEnd = () => {
      try {
        parser.feed(decoder.end() + '\n\n');
      } catch (err) {
        finish(err);
        return;
      }
      finish(undefined, stopped ? 'stop' : 'ended');
    };
    const onError = (err: Error) => finish(err);
    const onClose = () => finish(new Error('the connection closed before the stream ended'));
    const onAbort = () => finish(control.signal.reason ?? new Error('aborted'));

    if (control.signal.aborted) return onAbort();
    control.signal.addEventListener('abort', onAbort, { once: true });
    control.startIdleWatch();
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}
