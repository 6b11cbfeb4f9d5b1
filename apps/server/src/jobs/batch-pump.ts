import type { AppContext } from '../context.js';

/**
 * Work that lives in its own table rather than in `jobs` (e.g. stored webhook deliveries): `run` takes
 * a batch of due rows with FOR UPDATE SKIP LOCKED, does the work and marks them in the same
 * transaction, and returns how many it handled. Nothing else needs recording: a crash rolls the
 * transaction back and the rows are due again. Several nodes share the rows through SKIP LOCKED.
 */
export type BatchPumpDefinition = {
  name: string;
  /**
   * The most rows `run` takes at once. A run that took fewer found the table drained: the pump then
   * waits for the next poke (or poll) instead of going again at once for the few rows that came in
   * meanwhile, so rows that may wait (`pokeSoon`) gather into full batches.
   */
  batchSize?: number;
  run(ctx: AppContext): Promise<number>;
};

/** Runs one pump on this node: at once when poked, again while there was work, and on every poll. */
export class BatchPump {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private soon: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    readonly def: BatchPumpDefinition,
  ) {}

  start(): void {
    this.stopped = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    await this.running;
  }

  /**
   * Runs within `delayMs` (rows that may wait: several pokes share one batch). A `poke` meanwhile runs
   * at once and takes these rows too.
   */
  pokeSoon(delayMs: number): void {
    if (this.stopped || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      this.poke();
    }, delayMs);
    this.soon.unref();
  }

  poke(): void {
    if (this.stopped) return;
    if (this.soon) {
      clearTimeout(this.soon);
      this.soon = null;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      const full = this.def.batchSize ?? 1;
      let handled = 0;
      do {
        this.again = false;
        handled = await this.runOnce();
      } while ((handled >= full || this.again) && !this.stopped);
    } finally {
      // In the same step as the last check of `again`: a poke from a microtask between the loop's end
      // and a later `.finally()` would have set `again` for a loop that had already ended.
      this.running = null;
    }
  }

  /** One batch (errors are logged, never thrown); returns how many rows it handled. */
  async runOnce(): Promise<number> {
    try {
      const n = await this.def.run(this.ctx);
      if (n > 0) this.ctx.metrics.jobsRun.inc({ job: this.def.name, outcome: 'done' }, n);
      return n;
    } catch (err) {
      this.ctx.metrics.jobsRun.inc({ job: this.def.name, outcome: 'retry' });
      this.ctx.log.warn({ err, pump: this.def.name }, 'batch failed');
      return 0;
    }
  }

  /** Until no due row is left (tests and the CLI). */
  async drain(): Promise<void> {
    await this.running;
    while ((await this.runOnce()) > 0) {
      // keep going
    }
  }
}
