/** The one Redis command the gate needs (BullMQ's own connection serves it). */
export interface CallCounter {
  /** Adds one to this second's count of calls and returns the new count. */
  countCall(windowKey: string): Promise<number>;
}

/**
 * Bounds the calls toward BPJS: at most `concurrency` in flight in this process (VERIFICATION_CONCURRENCY), and at most
 * `perSecond` started per wall-clock second across every worker (BPJS_RATE_LIMIT_PER_SECOND), counted in Redis in a
 * key per second. A call over the second's budget waits for the next second. The calls of a batch job go through here
 * one by one, so a job of 25 projects is 25 calls to both limits, not one.
 */
export class RegistryCallGate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly perSecond: number,
    private readonly counter: CallCounter,
    private readonly now: () => number = Date.now,
  ) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.withinRate();
      return await call();
    } finally {
      this.release();
    }
  }

  private async withinRate(): Promise<void> {
    for (;;) {
      const second = Math.floor(this.now() / 1000);
      if ((await this.counter.countCall(String(second))) <= this.perSecond) return;
      await new Promise((resolve) => setTimeout(resolve, (second + 1) * 1000 - this.now() + 1));
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}
