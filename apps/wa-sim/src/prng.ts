/** A seeded pseudo-random source (mulberry32): the same seed gives the same sequence. */
export type Prng = {
  /** Next number in [0, 1). */
  next(): number;
  /** True with probability `rate` (0 → never, 1 → always; rate 0 draws nothing). */
  chance(rate: number): boolean;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
};

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (rate) => rate > 0 && next() < rate,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}
