/**
 * Coalesces concurrent calls into batches (group commit): items offered in the same tick go to `flush` together,
 * and while `maxInFlight` flushes are running, new items wait and go together in the next one. Each caller gets its
 * own results back. Persisting a burst of callbacks then costs one database transaction per busy period instead of
 * one per request, and the batches grow with the load instead of queueing up behind each other.
 */
export interface Batcher<In, Out> {
  submit(items: In[]): Promise<Out[]>;
}

export interface BatcherOptions {
  /** Items per flush at most (one caller's items are never split). @defaultValue 200 */
  maxBatch?: number;
  /** Flushes running at once. @defaultValue 1 */
  maxInFlight?: number;
}

export function createBatcher<In, Out>(flush: (items: In[]) => Promise<Out[]>, opts: BatcherOptions = {}): Batcher<In, Out> {
  const maxBatch = opts.maxBatch ?? 200;
  const maxInFlight = opts.maxInFlight ?? 1;
  interface Pending {
    items: In[];
    resolve: (out: Out[]) => void;
    reject: (err: unknown) => void;
  }
  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  const run = async (batch: Pending[]) => {
    const all = batch.length === 1 ? batch[0]!.items : batch.flatMap((p) => p.items);
    try {
      const results = await flush(all);
      let offset = 0;
      for (const p of batch) {
        p.resolve(results.slice(offset, offset + p.items.length));
        offset += p.items.length;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      inFlight--;
      if (queue.length > 0) schedule();
    }
  };

  /** Takes callers from the front of the queue up to maxBatch items (always at least one caller). */
  const takeBatch = (): Pending[] => {
    let items = queue[0]!.items.length;
    let count = 1;
    while (count < queue.length && items + queue[count]!.items.length <= maxBatch) items += queue[count++]!.items.length;
    const batch = count === queue.length ? queue : queue.slice(0, count);
    queue = count === queue.length ? [] : queue.slice(count);
    return batch;
  };

  const drain = () => {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      inFlight++;
      void run(takeBatch());
    }
  };

  // setImmediate, not a microtask: callbacks that arrived in the same I/O phase join the batch first.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };

  return {
    submit(items) {
      if (items.length === 0) return Promise.resolve([]);
      return new Promise<Out[]>((resolve, reject) => {
        queue.push({ items, resolve, reject });
        schedule();
      });
    },
  };
}
