// Work on the items of a stream started a few items ahead of the consumer, answered in the
// stream's order: the archive's GETs (one object after another cost a round trip each, 8,000
// of them took 203 s from moto for a 1,000-run series), the file index's reads of run indexes.
// At most `depth` items are started and not yet taken, so memory is bounded by what `depth`
// results hold, whatever the stream's length; the source is pulled only as far as that.

/**
 * `start(item)` for the items of `source`, at most `depth` of them begun ahead of the one the
 * consumer takes, yielded in `source`'s order. A failure is thrown when its item's turn comes
 * (never as an unhandled rejection before); stopping early drops the results started ahead.
 */
export async function* inOrderAhead<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  depth: number,
  start: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!Number.isInteger(depth) || depth < 1)
    throw new Error(`read-ahead depth ${depth}: not a positive integer`);
  const pending: Array<Promise<R>> = [];
  const begin = (item: T) => {
    const started = start(item);
    // Awaited in its turn; until then a rejection must not count as unhandled.
    started.catch(() => undefined);
    pending.push(started);
  };
  const items = (Symbol.asyncIterator in source ? source : toAsync(source))[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && pending.length < depth) {
        const next = await items.next();
        if (next.done) exhausted = true;
        else begin(next.value);
      }
      const head = pending.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await items.return?.();
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
