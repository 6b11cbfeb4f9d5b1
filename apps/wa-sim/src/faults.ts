import { z } from 'zod';
import { createPrng, type Prng } from './prng.js';

const rate = z.number().min(0).max(1);
const ms = z.number().int().min(0).max(600_000);

/** What can go wrong, each as a share of events (0–1), drawn from one seeded PRNG. */
export const faultConfigSchema = z.strictObject({
  seed: z.number().int().optional(),
  webhook: z
    .strictObject({
      drop: rate.default(0),
      duplicate: rate.default(0),
      reorder: rate.default(0),
      delay: rate.default(0),
      delayMs: ms.default(2000),
    })
    .default({ drop: 0, duplicate: 0, reorder: 0, delay: 0, delayMs: 2000 }),
  api: z
    .strictObject({
      /** Answer 5xx (code 2 / 131000 / 131016) before doing anything. */
      error5xx: rate.default(0),
      /** Hold the request for `timeoutMs`, then close the socket without answering. */
      timeout: rate.default(0),
      timeoutMs: ms.default(30_000),
      /** Process the call, then answer 500 (the caller cannot know it succeeded). */
      lostResponse: rate.default(0),
      /** Add `slowMs` before answering. */
      slow: rate.default(0),
      slowMs: ms.default(1000),
      /** Refuse a send (`POST /{PNID}/messages`) with the error `sendErrorCode` (e.g. 131048, 190). */
      sendError: rate.default(0),
      sendErrorCode: z.number().int().default(131048),
    })
    .default({
      error5xx: 0,
      timeout: 0,
      timeoutMs: 30_000,
      lostResponse: 0,
      slow: 0,
      slowMs: 1000,
      sendError: 0,
      sendErrorCode: 131048,
    }),
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export type Faults = {
  config(): FaultConfig;
  /** Replaces the configuration and reseeds the PRNG (same seed → same decisions). */
  set(input: unknown): FaultConfig;
  /** Draws a decision; false without a draw when the rate is 0. */
  roll(rate: number): boolean;
  /** A value in [0, n). */
  pick(n: number): number;
  readonly prng: Prng;
};

export function createFaults(defaultSeed: number, initial?: FaultConfigInput): Faults {
  let config = faultConfigSchema.parse(initial ?? {});
  let prng = createPrng(config.seed ?? defaultSeed);
  return {
    config: () => config,
    set(input) {
      config = faultConfigSchema.parse(input);
      prng = createPrng(config.seed ?? defaultSeed);
      return config;
    },
    roll: (value) => prng.chance(value),
    pick: (n) => Math.floor(prng.next() * n),
    get prng() {
      return prng;
    },
  };
}
