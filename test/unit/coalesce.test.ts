import { coalesce, type BatchRunner } from '../../src/db/coalesce';

/** A batch runner whose batches finish when the test says so; it records what each batch held. */
function controlledRunner() {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const run: BatchRunner<number, string> = (items) => {
    batches.push(items);
    return new Promise((resolve) => {
      finishers.push(() => resolve(items.map((n) => (n < 0 ? { status: 'rejected', reason: new Error(`bad ${n}`) } : { status: 'fulfilled', value: `done ${n}` }))));
    });
  };
  const finishNext = async () => {
    finishers.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { run, batches, finishNext };
}

describe('coalesce', () => {
  test('runs an item at once when nothing is in flight, and batches what arrives meanwhile', async () => {
    const r = controlledRunner();
    const submit = coalesce(r.run, { maxInFlight: 1, maxBatch: 10 });
    const first = submit(1);
    expect(r.batches).toEqual([[1]]);
    const later = [submit(2), submit(3), submit(4)];
    expect(r.batches).toEqual([[1]]); // waiting for the slot, not for a timer
    await r.finishNext();
    await expect(first).resolves.toBe('done 1');
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    await r.finishNext();
    await expect(Promise.all(later)).resolves.toEqual(['done 2', 'done 3', 'done 4']);
  });

  test('keeps up to maxInFlight batches running and caps a batch at maxBatch', async () => {
    const r = controlledRunner();
    const submit = coalesce(r.run, { maxInFlight: 2, maxBatch: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((n) => submit(n));
    expect(r.batches).toEqual([[1], [2]]);
    await r.finishNext();
    expect(r.batches).toEqual([[1], [2], [3, 4]]);
    await r.finishNext();
    await r.finishNext();
    await r.finishNext();
    expect(r.batches).toEqual([[1], [2], [3, 4], [5, 6]]);
    await expect(Promise.all(all)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5', 'done 6']);
  });

  test("one item's failure reaches only its own caller; a failed batch fails all of its items", async () => {
    const r = controlledRunner();
    const submit = coalesce(r.run, { maxInFlight: 1, maxBatch: 10 });
    const first = submit(0);
    const good = submit(7);
    const bad = submit(-1).catch((err: Error) => err);
    await r.finishNext();
    await r.finishNext();
    await expect(first).resolves.toBe('done 0');
    await expect(good).resolves.toBe('done 7');
    expect(await bad).toEqual(new Error('bad -1'));

    const failing = coalesce<number, string>(() => Promise.reject(new Error('connection lost')), { maxInFlight: 1, maxBatch: 10 });
    await expect(Promise.all([failing(1), failing(2)])).rejects.toThrow('connection lost');
    await expect(failing(3)).rejects.toThrow('connection lost'); // and it keeps taking items afterwards
  });
});
