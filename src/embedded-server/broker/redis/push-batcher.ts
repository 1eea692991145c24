// Pushes asked for in one turn of the event loop go to redis as one script call (per cluster slot)
// instead of one each: under load a server pushes the calls of many connections, and a callee the
// results of many calls, at once. A lone push still goes through Go's own script, so the redis traffic
// of a single call is the same as Go's; a batch does exactly what that script does, item by item.
//
// A push must not outlive its own deadline in redis. The TTL of its timeout key only starts when redis
// runs the script, so a push that a frozen or overloaded redis runs late would start a call (or deliver a
// result) long after its caller gave up. So when a push is still unanswered at its deadline, or after
// the command timeout, it is refused here and a DEL of its timeout key is sent behind it on the same
// connection: redis runs the two in that order, and a callee that pops the item finds it expired.
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

/** Why a push was given up before redis answered it; its timeout key is deleted behind it. */
export class PushTimeoutError extends Error {
  override readonly name = 'PushTimeoutError';
  constructor(
    readonly reason: 'command-timeout' | 'deadline',
    message: string,
  ) {
    super(message);
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
    /** Give up a push that redis has not answered after this long, ms (0: only its deadline). */
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
      const open = q.filter((x) => !x.settled);
      if (open.length === 0) return;
      let at = Number.POSITIVE_INFINITY;
      for (const x of open) at = Math.min(at, x.item.deadline);
      if (this.commandTimeoutMs > 0) at = Math.min(at, sentAt + this.commandTimeoutMs);
      timer = setTimeout(expire, Math.max(0, at - performance.now()));
      timer.unref?.();
    };
    const expire = () => {
      const now = performance.now();
      const timedOut = this.commandTimeoutMs > 0 && now - sentAt >= this.commandTimeoutMs;
      const late = q.filter((x) => !x.settled && (timedOut || x.item.deadline <= now));
      this.#giveUp(late, (x) => (timedOut ? this.#timeoutError() : deadlineError(x.item, sentAt)));
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
      // ioredis' own commandTimeout may fire before our timer: the same give-up, with our message
      if (isCommandTimeout(err))
        this.#giveUp(
          q.filter((x) => !x.settled),
          () => this.#timeoutError(),
        );
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

  /** Refuses these pushes and deletes their timeout keys behind them, so that redis drops them when it runs them. */
  #giveUp(q: Queued[], why: (x: Queued) => Error): void {
    if (q.length === 0) return;
    for (const x of q) {
      x.settled = true;
      x.reject(why(x));
    }
    for (const g of groupBySlot(q, (x) => x.item.timeoutKey, this.cluster)) this.sender.cancel(g.map((x) => x.item.timeoutKey));
  }

  #timeoutError(): PushTimeoutError {
    return new PushTimeoutError('command-timeout', `redis did not answer within ${this.commandTimeoutMs} ms`);
  }
}

function deadlineError(item: PushItem, sentAt: number): PushTimeoutError {
  return new PushTimeoutError(
    'deadline',
    `redis did not answer within the timeout of ${item.ttl} ms (waited ${Math.round(performance.now() - sentAt)} ms); not started, so that it does not run late`,
  );
}
