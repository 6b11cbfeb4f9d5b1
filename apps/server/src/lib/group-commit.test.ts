import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A write that takes a moment and records what it was given, like a database round trip. */
function recorder(fail: (items: number[]) => boolean = () => false) {
  const writes: number[][] = [];
  const write = async (items: number[]) => {
    await new Promise((r) => setTimeout(r, 5));
    if (fail(items)) throw new Error(`refused ${items.join(',')}`);
    writes.push(items);
  };
  return { writes, write };
}

describe('GroupCommit', () => {
  it('writes an item at once when nothing else is in flight', async () => {
    const { writes, write } = recorder();
    const group = new GroupCommit(write, { maxBatch: 10, maxConcurrent: 1 });
    await group.add(1);
    await group.add(2);
    expect(writes).toEqual([[1], [2]]);
  });

  it('writes items that arrive while a write is in flight together, each once, in order', async () => {
    const { writes, write } = recorder();
    const group = new GroupCommit(write, { maxBatch: 10, maxConcurrent: 1 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => group.add(i)));
    expect(writes.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    // The first alone, then batches of at most 10.
    expect(writes.map((w) => w.length)).toEqual([1, 10, 10, 4]);
  });

  it('isolates an item that cannot be written: the others succeed, only its caller sees the error', async () => {
    const { writes, write } = recorder((items) => items.includes(13));
    const group = new GroupCommit(write, { maxBatch: 50, maxConcurrent: 2 });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => group.add(i)));
    const rejected = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([13]);
    expect((outcomes[13] as PromiseRejectedResult).reason.message).toBe('refused 13');
    expect(
      writes
        .flat()
        .slice()
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 13));
  });
});
