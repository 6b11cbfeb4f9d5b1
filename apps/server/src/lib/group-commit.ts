/**
 * Group commit: callers hand in one item each and wait until it is written; items that arrive while
 * earlier writes are in flight are written together in the next one. Without load an item is written
 * at once (no timer, no added latency); under load many callers share one statement and one commit,
 * which is what a durable commit per item cannot keep up with (each one waits for the disk).
 *
 * When a write of several items fails, each item is written on its own, so one bad item cannot fail
 * the others; every caller sees its own item's outcome.
 */
export class GroupCommit<T> {
  private readonly waiting: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { maxBatch: number; maxConcurrent: number },
  ) {}

  /** Resolves once `item` is written (committed), rejects with the write's error. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    while (this.inFlight < this.opts.maxConcurrent && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.kick();
      });
    }
  }

  private async run(batch: GroupCommit<T>['waiting']): Promise<void> {
    try {
      await this.write(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const w of batch) {
        try {
          await this.write([w.item]);
          w.resolve();
        } catch (own) {
          w.reject(own);
        }
      }
    }
  }
}
