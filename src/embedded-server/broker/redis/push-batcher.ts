// Pushes asked for in one turn of the event loop go to redis as one script call (per cluster slot)
// instead of one each: under load a server pushes the calls of many connections, and a callee the
// results of many calls, at once. A lone push still goes through Go's own script, so the redis traffic
// of a single call is the same as Go's; a batch does exactly what that script does, item by item.
//
// A push must not outlive its own deadline in redis. The TTL of its timeout key only starts when redis
// runs the script, so a push that a frozen or overloaded redis runs late would start a call (or deliver a
// result) long after its caller gave up. So a push still unanswered at its deadline gets a DEL of its
// timeout key sent behind it on the same connection: redis runs the two in that order, and whoever pops
// the item finds it expired (the caller sees what any expired call gives: no result). A push still
// unanswered after the command timeout is refused as well (NACK 500), and deleted behind it the same way.
import { groupBySlot } from './slots';

export interface PushItem {
  timeoutKey: string;
  listKey: string;
  /** Time to live, whole ms, as text. */
  ttl: string;
  payload: string;
  /** List capacity (0: none), as text. */
  cap: string;
  /** When the item stops being wanted (performance.now() ms): the push's start plus its TTL. */
  deadline: number;
}

/** A push redis did not answer within the command timeout; its timeout key is deleted behind it. */
export class PushTimeoutError extends Error {
  override readonly name = 'PushTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`redis did not answer within ${timeoutMs} ms`);
  }
}

/** One item's outcome in a batch: the list length, or the reason it was refused. */
export type PushOutcome = number | Error;

export interface PushSender {
  /** Go's push script for one item; rejects with its error ("list capacity exceeded"). */
  one(item: PushItem): Promise<number>;
  /** The batch script: KEYS timeout key, list key per item; ARGV ttl, payload, capacity per item. */
  many(keys: string[], args: string[]): Promise<(number | string)[]>;
  /** Deletes timeout keys (of one slot), sent after the pushes they belong to; failures are ignored. */
  cancel(timeoutKeys: string[]): void;
}

interface Queued {
  item: PushItem;
  resolve(len: number): void;
  reject(err: Error): void;
  /** Answered, or given up (then later answers are ignored). */
  settled?: boolean;
  /** Its timeout key was deleted behind it (once is enough). */
  cancelled?: boolean;
}

/** ioredis' rejection when its commandTimeout passed. */
export const isCommandTimeout = (err: unknown): boolean => (err as Error)?.message === 'Command timed out';

export class PushBatcher {
  #queue: Queued[] = [];
  #scheduled = false;

  constructor(
    private readonly sender: PushSender,
    /** In a cluster, only the items of one slot can share a script call. */
    private readonly cluster: boolean,
    /** Refuse a push that redis has not answered after this long, ms (0: never; it is still cancelled at its deadline). */
    private readonly commandTimeoutMs = 0,
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
    const sentAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const done = () => clearTimeout(timer);
    // one timer per script call (not per item): at the nearest deadline or the command timeout
    const arm = () => {
      let at = Number.POSITIVE_INFINITY;
      for (const x of q) if (!x.settled && !x.cancelled) at = Math.min(at, x.item.deadline);
      if (this.commandTimeoutMs > 0 && q.some((x) => !x.settled)) at = Math.min(at, sentAt + this.commandTimeoutMs);
      if (at === Number.POSITIVE_INFINITY) return;
      // whole milliseconds: node keeps a timer list per distinct duration, and a fractional one per
      // script call would make a list (and a priority-queue entry) each time
      timer = setTimeout(expire, Math.max(0, Math.ceil(at - performance.now())));
      timer.unref?.();
    };
    const expire = () => {
      const now = performance.now();
      if (this.commandTimeoutMs > 0 && now - sentAt >= this.commandTimeoutMs) {
        this.#refuse(q.filter((x) => !x.settled));
        return;
      }
      this.#cancel(q.filter((x) => !x.settled && x.item.deadline <= now));
      arm();
    };
    const answered = (x: Queued, r: number | Error) => {
      if (x.settled) return;
      x.settled = true;
      if (typeof r === 'number') x.resolve(r);
      else x.reject(r);
    };
    const failed = (err: Error) => {
      done();
      // ioredis' own commandTimeout may fire before our timer: the same refusal, with our message
      if (isCommandTimeout(err)) this.#refuse(q.filter((x) => !x.settled));
      for (const x of q) answered(x, err);
    };
    arm();
    if (q.length === 1) {
      const x = q[0]!;
      this.sender.one(x.item).then((len) => {
        done();
        answered(x, len);
      }, failed);
      return;
    }
    const keys: string[] = [];
    const args: string[] = [];
    for (const { item } of q) {
      keys.push(item.timeoutKey, item.listKey);
      args.push(item.ttl, item.payload, item.cap);
    }
    this.sender.many(keys, args).then((out) => {
      done();
      for (let i = 0; i < q.length; i++) {
        const r = out[i];
        answered(q[i]!, typeof r === 'number' ? r : new Error(typeof r === 'string' ? r : 'no reply for this push'));
      }
    }, failed);
  }

  /** Refuses these pushes (command timeout) and cancels them in redis. */
  #refuse(q: Queued[]): void {
    for (const x of q) {
      x.settled = true;
      x.reject(new PushTimeoutError(this.commandTimeoutMs));
    }
    this.#cancel(q);
  }

  /** Deletes the timeout keys of these pushes behind them, so that redis drops them when it runs them. */
  #cancel(q: Queued[]): void {
    const todo = q.filter((x) => !x.cancelled);
    if (todo.length === 0) return;
    for (const x of todo) x.cancelled = true;
    for (const g of groupBySlot(todo, (x) => x.item.timeoutKey, this.cluster)) this.sender.cancel(g.map((x) => x.item.timeoutKey));
  }
}
