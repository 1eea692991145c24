// When each pending call expires, with one timer for all of a client's calls instead of a setTimeout
// (and a clearTimeout) per call: a load generator makes thousands of calls a second, and each timer is
// work on the same cores as the server it measures. Calls with the same timeout expire in the order
// they were made, so a FIFO per timeout keeps them sorted without a heap; a call that settles is only
// counted off (its entry is skipped when its deadline comes), and when none is left the timer goes.

interface Entry<T> {
  deadline: number;
  item: T;
  live: boolean;
}

interface Lane<T> {
  entries: Entry<T>[];
  head: number;
}

export interface Expiry {
  /** The call settled first: it will not expire. */
  cancel(): void;
}

export class ExpiryQueue<T> {
  readonly #lanes = new Map<number, Lane<T>>();
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly onExpire: (item: T) => void) {}

  /** `item` expires `timeoutMs` from now unless cancelled first. */
  add(item: T, timeoutMs: number): Expiry {
    const deadline = performance.now() + timeoutMs;
    const e: Entry<T> = { deadline, item, live: true };
    let lane = this.#lanes.get(timeoutMs);
    if (!lane) {
      lane = { entries: [], head: 0 };
      this.#lanes.set(timeoutMs, lane);
    }
    lane.entries.push(e);
    this.#live++;
    // a lane's deadlines only grow, so only the first entry of a lane can be the earliest of all
    if (deadline < this.#armedFor) this.#arm(deadline);
    return {
      cancel: () => {
        if (!e.live) return;
        e.live = false;
        if (--this.#live === 0) this.clear();
      },
    };
  }

  /** Forgets every entry (none will expire). */
  clear(): void {
    this.#lanes.clear();
    this.#live = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #arm(deadline: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = deadline;
    // whole milliseconds: node keeps a timer list per distinct duration
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(deadline - performance.now())));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: Entry<T>[] = [];
    let lanes = 0;
    let next = Number.POSITIVE_INFINITY;
    for (const [timeoutMs, lane] of this.#lanes) {
      const { entries } = lane;
      const had = due.length;
      while (lane.head < entries.length && (!entries[lane.head]!.live || entries[lane.head]!.deadline <= now)) {
        const e = entries[lane.head++]!;
        if (e.live) {
          e.live = false;
          this.#live--;
          due.push(e);
        }
      }
      if (due.length > had) lanes++;
      if (lane.head === entries.length) this.#lanes.delete(timeoutMs);
      else {
        // drop the spent front now and then, so that a busy lane does not grow for ever
        if (lane.head > 1024 && lane.head * 2 > entries.length) {
          entries.splice(0, lane.head);
          lane.head = 0;
        }
        next = Math.min(next, entries[lane.head]!.deadline);
      }
    }
    // a timer can fire a little early (node counts from the loop's cached clock): then nothing is due yet
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
    // in deadline order, as separate timers would have fired (a late loop can find several lanes due)
    if (lanes > 1) due.sort((a, b) => a.deadline - b.deadline);
    for (const e of due) this.onExpire(e.item);
  }
}
