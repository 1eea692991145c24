// Pushes asked for in one turn of the event loop go to redis as one script call (per cluster slot)
// instead of one each: under load a server pushes the calls of many connections, and a callee the
// results of many calls, at once. A lone push still goes through Go's own script, so the redis traffic
// of a single call is the same as Go's; a batch does exactly what that script does, item by item.
import { groupBySlot } from './slots';

export interface PushItem {
  timeoutKey: string;
  listKey: string;
  /** Time to live, whole ms, as text. */
  ttl: string;
  payload: string;
  /** List capacity (0: none), as text. */
  cap: string;
}

/** One item's outcome in a batch: the list length, or the reason it was refused. */
export type PushOutcome = number | Error;

export interface PushSender {
  /** Go's push script for one item; rejects with its error ("list capacity exceeded"). */
  one(item: PushItem): Promise<number>;
  /** The batch script: KEYS timeout key, list key per item; ARGV ttl, payload, capacity per item. */
  many(keys: string[], args: string[]): Promise<(number | string)[]>;
}

interface Queued {
  item: PushItem;
  resolve(len: number): void;
  reject(err: Error): void;
}

export class PushBatcher {
  #queue: Queued[] = [];
  #scheduled = false;

  constructor(
    private readonly sender: PushSender,
    /** In a cluster, only the items of one slot can share a script call. */
    private readonly cluster: boolean,
  ) {}

  push(item: PushItem): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // setImmediate, not nextTick: the frames of many sockets are read in one poll phase, each in its
      // own callback, and should share one script call
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const q = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    for (const g of groupBySlot(q, (x) => x.item.listKey, this.cluster)) this.#send(g);
  }

  #send(q: Queued[]): void {
    if (q.length === 1) {
      const x = q[0]!;
      this.sender.one(x.item).then(x.resolve, x.reject);
      return;
    }
    const keys: string[] = [];
    const args: string[] = [];
    for (const { item } of q) {
      keys.push(item.timeoutKey, item.listKey);
      args.push(item.ttl, item.payload, item.cap);
    }
    this.sender.many(keys, args).then(
      (out) => {
        for (let i = 0; i < q.length; i++) {
          const r = out[i];
          if (typeof r === 'number') q[i]!.resolve(r);
          else q[i]!.reject(new Error(typeof r === 'string' ? r : 'no reply for this push'));
        }
      },
      (err: Error) => {
        for (const x of q) x.reject(err);
      },
    );
  }
}
