import type { AppContext } from '../context.js';

/**
 * Work that lives in its own table rather than in `jobs` (e.g. stored webhook deliveries): `run` takes
 * a batch of due rows with FOR UPDATE SKIP LOCKED, does the work and marks them in the same
 * transaction, and returns how many it handled. Nothing else needs recording: a crash rolls the
 * transaction back and the rows are due again. Several nodes share the rows through SKIP LOCKED.
 */
export type BatchPumpDefinition = {
  name: string;
  run(ctx: AppContext): Promise<number>;
};

/** Runs one pump on this node: at once when poked, again while there was work, and on every poll. */
export class BatchPump {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    readonly def: BatchPumpDefinition,
  ) {}

  start(): void {
    this.stopped = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      let handled = 0;
      do {
        this.again = false;
        handled = await this.runOnce();
      } while ((handled > 0 || this.again) && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
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
