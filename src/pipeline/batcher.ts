/**
 * Coalesces concurrent calls into one batch: items offered in the same tick (or until `maxBatch`) are handed to
 * `flush` together, and each caller gets its own result back. Persisting a burst of callbacks then costs one
 * database round trip instead of one per request.
 */
export interface Batcher<In, Out> {
  submit(items: In[]): Promise<Out[]>;
}

export function createBatcher<In, Out>(
  flush: (items: In[]) => Promise<Out[]>,
  opts: { maxBatch?: number } = {},
): Batcher<In, Out> {
  const maxBatch = opts.maxBatch ?? 200;
  interface Pending {
    items: In[];
    resolve: (out: Out[]) => void;
    reject: (err: unknown) => void;
  }
  let queue: Pending[] = [];
  let queuedItems = 0;
  let scheduled = false;

  const run = async (batch: Pending[]) => {
    const all = batch.flatMap((p) => p.items);
    try {
      const results = await flush(all);
      let offset = 0;
      for (const p of batch) {
        p.resolve(results.slice(offset, offset + p.items.length));
        offset += p.items.length;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };

  const drain = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    queuedItems = 0;
    if (batch.length > 0) void run(batch);
  };

  return {
    submit(items) {
      if (items.length === 0) return Promise.resolve([]);
      return new Promise<Out[]>((resolve, reject) => {
        queue.push({ items, resolve, reject });
        queuedItems += items.length;
        if (queuedItems >= maxBatch) drain();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(drain);
        }
      });
    },
  };
}
