// The workers of one handler version: up to `limits.concurrency` of them, one call each at a time, so
// a hung call holds one worker while the others keep answering. Workers are reused across calls
// (starting one costs tens of milliseconds); a dead one is replaced when a call needs it. A retired
// pool (its version was replaced) finishes the calls it already took, then ends its workers.
import { HandlerWorker, type WorkerLog } from './handler-worker';
import type { UserCalleeLimits } from './limits';
import type { WorkerCall, WorkerInit } from './worker-source';

export interface HandlerPoolOptions {
  init: WorkerInit;
  limits: UserCalleeLimits;
  onLog: (log: WorkerLog) => void;
}

interface Waiter {
  resolve: (w: HandlerWorker) => void;
  reject: (err: Error) => void;
}

export class HandlerPool {
  readonly #o: HandlerPoolOptions;
  readonly #idle: HandlerWorker[] = [];
  readonly #all = new Set<HandlerWorker>();
  /** Workers being started (they count against the concurrency). */
  #starting = 0;
  readonly #waiters: Waiter[] = [];
  #inFlight = 0;
  #retired = false;
  #closed = false;
  #drained: (() => void) | undefined;

  constructor(o: HandlerPoolOptions) {
    this.#o = o;
  }

  /** Starts the first worker: rejects with the HandlerLoadError of a module that does not load. */
  async warm(): Promise<void> {
    const w = await this.#spawn();
    this.#release(w);
    // the others start in the background, so that the first burst of calls does not wait for them
    for (let i = 1; i < this.#o.limits.concurrency; i++)
      this.#spawn().then(
        (x) => this.#release(x),
        () => undefined,
      );
  }

  /** Calls taken and not finished. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get workers(): number {
    return this.#all.size;
  }

  /**
   * Runs one call in a free worker; `deadline` (performance.now() time) is when the call's time is
   * up, the time limit is what is left of it then, capped by limits.maxCallMs.
   */
  async run(args: unknown, ctx: WorkerCall['ctx'], deadline: number): Promise<string> {
    this.#inFlight++;
    try {
      const w = await this.#acquire();
      try {
        const left = Math.floor(deadline - performance.now());
        if (left < 1) throw new Error(`call ${ctx.msgUUID} to ${ctx.uri} ran out of time waiting for a free worker`);
        return await w.run(args, { ...ctx, ttlMs: left }, Math.min(this.#o.limits.maxCallMs, left));
      } finally {
        this.#release(w);
      }
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0 && this.#drained) this.#drained();
    }
  }

  #spawn(): Promise<HandlerWorker> {
    this.#starting++;
    return HandlerWorker.start({
      init: this.#o.init,
      limits: this.#o.limits,
      onLog: this.#o.onLog,
      onDead: (w) => this.#forget(w),
    }).then(
      (w) => {
        this.#starting--;
        this.#all.add(w);
        if (this.#closed) w.terminate();
        return w;
      },
      (err) => {
        this.#starting--;
        throw err;
      },
    );
  }

  #acquire(): Promise<HandlerWorker> {
    if (this.#closed) return Promise.reject(new Error(`the handler of ${this.#o.init.uri} was removed`));
    const w = this.#idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise<HandlerWorker>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#grow();
    });
  }

  /** Starts a worker for a waiting call when there is room for one. */
  #grow(): void {
    if (this.#waiters.length === 0 || this.#closed) return;
    if (this.#all.size + this.#starting >= this.#o.limits.concurrency) return;
    this.#spawn().then(
      (w) => this.#release(w),
      (err: Error) => {
        // the module loaded before, so this is rare (a module body that fails at random): fail one call
        this.#waiters.shift()?.reject(err);
        this.#grow();
      },
    );
  }

  #release(w: HandlerWorker): void {
    if (w.dead) {
      this.#grow();
      return;
    }
    if (this.#closed) {
      w.terminate();
      return;
    }
    const next = this.#waiters.shift();
    if (next) next.resolve(w);
    else if (this.#retired) w.terminate();
    else this.#idle.push(w);
  }

  #forget(w: HandlerWorker): void {
    this.#all.delete(w);
    const i = this.#idle.indexOf(w);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  /** Takes no more new work once the calls already taken are done; ends the workers then. */
  async retire(): Promise<void> {
    this.#retired = true;
    for (const w of this.#idle.splice(0)) w.terminate();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    this.close();
  }

  /** Ends every worker now: running calls are failed. */
  close(): void {
    this.#closed = true;
    for (const w of [...this.#all]) w.terminate();
    for (const x of this.#waiters.splice(0)) x.reject(new Error(`the handler of ${this.#o.init.uri} was removed`));
  }
}
