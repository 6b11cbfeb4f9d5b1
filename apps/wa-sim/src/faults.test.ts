import { afterEach, describe, expect, it } from 'vitest';
import { createFaults } from './faults.js';
import { createPrng } from './prng.js';
import { call, type Harness, inbound, startHarness, waitFor } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('seeded PRNG', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createPrng(1);
    const b = createPrng(1);
    const c = createPrng(2);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((n) => n >= 0 && n < 1)).toBe(true);
  });

  it('never draws for a rate of 0 and always hits for 1', () => {
    const faults = createFaults(3);
    expect(faults.roll(0)).toBe(false);
    expect(faults.roll(1)).toBe(true);
  });

  it('rejects out-of-range configuration', () => {
    expect(() => createFaults(1).set({ api: { error5xx: 2 } })).toThrow();
  });
});

const texts = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text', text: { body: `m${i}` } }));
const receivedBodies = () => h!.receiver.messages().map((m) => m.text.body);

describe('webhook faults', () => {
  it('drops a share of updates, the same ones for the same seed', async () => {
    const run = async () => {
      h = await startHarness({
        faults: { seed: 11, webhook: { drop: 0.5, duplicate: 0, reorder: 0, delay: 0, delayMs: 0 } },
      });
      await inbound(h.sim, { from: '491800000001', messages: texts(20) });
      await h.sim.webhooksIdle();
      const bodies = receivedBodies();
      await h.close();
      h = undefined;
      return bodies;
    };
    const first = await run();
    const second = await run();
    expect(first).toEqual(second);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
  });

  it('duplicates updates (same wamid twice)', async () => {
    h = await startHarness({
      faults: { webhook: { duplicate: 1, drop: 0, reorder: 0, delay: 0, delayMs: 0 } },
    });
    const answer = await inbound(h.sim, {
      from: '491800000002',
      message: { type: 'text', text: { body: 'dup' } },
    });
    await waitFor(() => h!.receiver.messages().filter((m) => m.id === answer.body.id).length === 2);
    expect(h.receiver.messages().filter((m) => m.id === answer.body.id)).toHaveLength(2);
  });

  it('reorders updates inside a batch', async () => {
    h = await startHarness({
      faults: { seed: 5, webhook: { reorder: 1, drop: 0, duplicate: 0, delay: 0, delayMs: 0 } },
    });
    await inbound(h.sim, { from: '491800000003', messages: texts(10) });
    await h.sim.webhooksIdle();
    const bodies = receivedBodies();
    expect([...bodies].sort()).toEqual(
      texts(10)
        .map((t) => t.text.body)
        .sort(),
    );
    expect(bodies).not.toEqual(texts(10).map((t) => t.text.body));
  });

  it('delays updates and still delivers them', async () => {
    h = await startHarness({
      faults: { webhook: { delay: 1, delayMs: 30, drop: 0, duplicate: 0, reorder: 0 } },
    });
    await inbound(h.sim, { from: '491800000004', messages: texts(3) });
    await h.sim.webhooksIdle();
    const stats = (await call(h.sim, 'GET', '/_sim/webhooks', undefined, { auth: false })).body.stats;
    expect(stats.delayed).toBe(3);
    expect(receivedBodies().sort()).toEqual(['m0', 'm1', 'm2']);
  });
});
