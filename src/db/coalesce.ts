/**
 * Runs work items in batches made of whatever arrived while earlier batches were in flight, so a busy path
 * pays one round trip (and one commit) for many items, and a quiet one runs each item at once, alone.
 * No timer: an item never waits for company, only for a free slot.
 *
 * `runBatch` answers for each item separately (settled results, in the items' order), so one item's
 * failure reaches only its own caller.
 */
export interface CoalescerOptions {
  /** Batches in flight at once (each holds one database connection). */
  maxInFlight: number;
  /** Items in one batch, so one statement stays small. */
  maxBatch: number;
}

export type BatchRunner<T, R> = (items: T[]) => Promise<PromiseSettledResult<R>[]>;

export function coalesce<T, R>(runBatch: BatchRunner<T, R>, opts: CoalescerOptions): (item: T) => Promise<R> {
  const waiting: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  let inFlight = 0;

  const dispatch = () => {
    while (inFlight < opts.maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, opts.maxBatch);
      inFlight++;
      runBatch(batch.map((w) => w.item))
        .then(
          (results) => batch.forEach((w, i) => {
            const result = results[i];
            if (result?.status === 'fulfilled') w.resolve(result.value);
            else w.reject(result ? result.reason : new Error('batch returned no result for an item'));
          }),
          (err) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          inFlight--;
          dispatch();
        });
    }
  };

  return (item) => new Promise<R>((resolve, reject) => {
    waiting.push({ item, resolve, reject });
    dispatch();
  });
}
