// One worker thread running one version of one handler, one call at a time. A call past its time
// limit gets its worker terminated; a worker that runs out of memory, throws outside a call or exits
// fails the call it was running. Either way the call is rejected with a HandlerKilledError and the
// worker is dead: its pool starts another.
import { Worker } from 'node:worker_threads';
import { HandlerError, HandlerKilledError, type KillReason } from './errors';
import type { UserCalleeLimits } from './limits';
import { type LogLevel, type SerializedError, WORKER_SOURCE, type WorkerCall, type WorkerInit, type WorkerReply } from './worker-source';

export interface WorkerLog {
  level: LogLevel;
  text: string;
  msgUUID?: string;
}

/** A handler whose module body failed in a new worker (threw, exported no function, or never finished). */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
  readonly code = 'HANDLER_LOAD_FAILED';
  constructor(
    message: string,
    readonly userStack?: string,
  ) {
    super(message);
  }
}

interface Running {
  id: number;
  startedAt: number;
  limitMs: number;
  timer: NodeJS.Timeout;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
}

export interface HandlerWorkerOptions {
  init: WorkerInit;
  limits: UserCalleeLimits;
  onLog: (log: WorkerLog) => void;
  /** The worker is gone (killed, crashed, exited): it takes no more calls. */
  onDead: (w: HandlerWorker) => void;
}

export class HandlerWorker {
  readonly #worker: Worker;
  readonly #o: HandlerWorkerOptions;
  #running: Running | undefined;
  #nextId = 1;
  #dead = false;

  private constructor(o: HandlerWorkerOptions) {
    this.#o = o;
    const l = o.limits;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: o.init,
      resourceLimits: {
        maxOldGenerationSizeMb: l.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: l.maxYoungGenerationSizeMb,
        stackSizeMb: l.stackSizeMb,
      },
      // what the handler writes to process.stdout/stderr is captured too, instead of reaching the host's
      stdout: true,
      stderr: true,
      name: `user callee ${o.init.uri}`,
    });
    this.#worker.stdout.setEncoding('utf8').on('data', (t: string) => o.onLog({ level: 'info', text: t.replace(/\n$/, '') }));
    this.#worker.stderr.setEncoding('utf8').on('data', (t: string) => o.onLog({ level: 'error', text: t.replace(/\n$/, '') }));
  }

  /** Starts a worker and waits until the handler's module body has run and exported a function. */
  static start(o: HandlerWorkerOptions): Promise<HandlerWorker> {
    const hw = new HandlerWorker(o);
    const w = hw.#worker;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        hw.#die();
        reject(err);
      };
      const timer = setTimeout(
        () =>
          fail(
            new HandlerLoadError(
              `the module body of ${o.init.uri} did not finish within ${o.limits.loadTimeoutMs} ms (limits.loadTimeoutMs): is there an endless loop at the top level?`,
            ),
          ),
        o.limits.loadTimeoutMs,
      );
      const onLoadMessage = (m: WorkerReply) => {
        if (m.type === 'log') {
          o.onLog(m);
        } else if (m.type === 'ready') {
          clearTimeout(timer);
          w.off('message', onLoadMessage);
          w.off('error', onLoadError);
          w.off('exit', onLoadExit);
          w.on('message', (r: WorkerReply) => hw.#onMessage(r));
          w.on('error', (err) => hw.#onError(err));
          w.on('exit', (code) => hw.#onExit(code));
          resolve(hw);
        } else if (m.type === 'load-error') {
          fail(new HandlerLoadError(m.error.message, m.error.stack));
        }
      };
      const onLoadError = (err: Error & { code?: string }) =>
        fail(
          new HandlerLoadError(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `the module body of ${o.init.uri} ran out of memory (limits.maxOldGenerationSizeMb = ${o.limits.maxOldGenerationSizeMb})`
              : err.message,
            err.stack,
          ),
        );
      const onLoadExit = (code: number) =>
        fail(new HandlerLoadError(`the module body of ${o.init.uri} exited the worker (exit code ${code})`));
      w.on('message', onLoadMessage);
      w.once('error', onLoadError);
      w.once('exit', onLoadExit);
    });
  }

  get dead(): boolean {
    return this.#dead;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Runs one call; resolves with the result's JSON text. Rejects with HandlerError when the handler
   * throws, HandlerKilledError when the worker had to go.
   */
  run(args: unknown, ctx: WorkerCall['ctx'], limitMs: number): Promise<string> {
    if (this.#dead) return Promise.reject(new Error('internal: run() on a dead user callee worker'));
    if (this.#running) return Promise.reject(new Error('internal: run() on a busy user callee worker'));
    const id = this.#nextId++;
    return new Promise<string>((resolve, reject) => {
      const startedAt = performance.now();
      const timer = setTimeout(() => {
        this.#kill(
          'time',
          (ms) =>
            `${ctx.uri} killed after ${ms} ms: it ran past its time limit of ${limitMs} ms (the call's remaining time, at most limits.maxCallMs = ${this.#o.limits.maxCallMs} ms)`,
        );
      }, limitMs);
      this.#running = { id, startedAt, limitMs, timer, resolve, reject };
      const call: WorkerCall = { type: 'call', id, args, ctx };
      try {
        this.#worker.postMessage(call);
      } catch (err) {
        // args structured-cloned from JSON always pass; anything else is a bug worth seeing
        clearTimeout(timer);
        this.#running = undefined;
        reject(err as Error);
      }
    });
  }

  #onMessage(m: WorkerReply): void {
    if (m.type === 'log') {
      this.#o.onLog(m);
      return;
    }
    if (m.type !== 'result') return;
    const r = this.#running;
    if (!r || r.id !== m.id) return;
    clearTimeout(r.timer);
    this.#running = undefined;
    if ('error' in m) r.reject(toHandlerError(m.error));
    else r.resolve(m.text);
  }

  #onError(err: Error & { code?: string }): void {
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.#kill(
        'memory',
        (ms) =>
          `${this.#o.init.uri} killed after ${ms} ms: it ran out of memory (limits.maxOldGenerationSizeMb = ${this.#o.limits.maxOldGenerationSizeMb} MB)`,
      );
    } else {
      this.#kill('crash', (ms) => `${this.#o.init.uri} killed after ${ms} ms: an exception escaped the handler: ${err.message}`);
    }
  }

  #onExit(code: number): void {
    this.#kill(
      'crash',
      (ms) => `${this.#o.init.uri} killed after ${ms} ms: the worker exited with code ${code} (process.exit in the handler?)`,
    );
  }

  /** Fails the running call (if any) and ends the worker. */
  #kill(reason: KillReason, message: (ms: number) => string): void {
    const r = this.#running;
    this.#running = undefined;
    this.#die();
    if (r) {
      clearTimeout(r.timer);
      const ms = Math.round(performance.now() - r.startedAt);
      r.reject(new HandlerKilledError(reason, ms, message(ms)));
    }
  }

  #die(): void {
    if (this.#dead) return;
    this.#dead = true;
    // terminate() stops even a `while (true) {}`: V8 interrupts the thread's isolate
    this.#worker.terminate().catch(() => undefined);
    this.#o.onDead(this);
  }

  /** Ends the worker; a running call is failed as killed. */
  terminate(): void {
    this.#kill('crash', (ms) => `${this.#o.init.uri} killed after ${ms} ms: the handler was removed or replaced while the call ran`);
  }
}

function toHandlerError(e: SerializedError): HandlerError {
  return new HandlerError(e.message, e.result, e.stack);
}
