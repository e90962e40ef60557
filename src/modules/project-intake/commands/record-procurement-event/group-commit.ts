/** Most items written together: the batch route's own limit, so a group is never larger than a batch request. */
const MAX_GROUP = 500;
/** Groups of one key written at the same time: one deciding in Node while the other waits for PostgreSQL. */
const MAX_IN_FLIGHT = 2;

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

interface Lane<C, I, R> {
  context: C;
  queue: Waiting<I, R>[];
  inFlight: number;
}

/**
 * Natural batching (group commit): items submitted for one key while that key has `MAX_IN_FLIGHT` groups being
 * written wait, and go together as the next group when one finishes. Nothing waits on a timer: at low load an item
 * is written alone and at once; under load the groups grow with the arrival rate, so one statement and one commit
 * carry many items. `write` answers one result per item, in order; if it throws, every item of that group gets the
 * error (the other groups are unaffected).
 */
export class GroupCommit<C, I, R> {
  private readonly lanes = new Map<string, Lane<C, I, R>>();

  constructor(
    private readonly keyOf: (context: C) => string,
    private readonly write: (context: C, items: I[]) => Promise<R[]>,
  ) {}

  submit(context: C, item: I): Promise<R> {
    const key = this.keyOf(context);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { context, queue: [], inFlight: 0 };
      this.lanes.set(key, lane);
    }
    // The newest context (a client reloaded after a change of scope, say) is the one the next group is written with.
    lane.context = context;
    const result = new Promise<R>((resolve, reject) => lane.queue.push({ item, resolve, reject }));
    this.pump(key, lane);
    return result;
  }

  private pump(key: string, lane: Lane<C, I, R>): void {
    while (lane.inFlight < MAX_IN_FLIGHT && lane.queue.length > 0) {
      const group = lane.queue.splice(0, MAX_GROUP);
      lane.inFlight += 1;
      void this.flush(lane.context, group).finally(() => {
        lane.inFlight -= 1;
        if (lane.inFlight === 0 && lane.queue.length === 0) this.lanes.delete(key);
        else this.pump(key, lane);
      });
    }
  }

  private async flush(context: C, group: Waiting<I, R>[]): Promise<void> {
    try {
      const results = await this.write(
        context,
        group.map((w) => w.item),
      );
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }
}
