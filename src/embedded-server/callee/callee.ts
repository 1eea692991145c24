// The callee runtime (Go: callee package): registers a function per URI, pops calls for those URIs
// with N concurrent workers, drops calls that expired before they were read, runs each function with
// the time its call has left, and stores the result (or the error as {"error":{"message"}}) with
// that remaining time as its TTL.
import type { CalleeBroker, CallPayload, Popped } from '../broker/broker';
import { RawJson } from '../message';

export interface CallContext {
  uri: string;
  msgUUID: string;
  /** Time the call had left when it was read, ms. */
  ttlMs: number;
  /** Aborted when the call's time is up: the result would be dropped anyway. */
  signal: AbortSignal;
}

/** A function that serves a URI (Go: a thunk). Returns any JSON-able value, or throws. */
export type Thunk = (args: unknown, ctx: CallContext) => unknown;

export interface Invocation {
  uri: string;
  msgUUID: string;
  /** performance.now() at pop, start and end of the run. */
  poppedAt: number;
  startedAt: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'expired';
  error?: string;
  /** The call's args as JSON text (as popped: no copy is made). */
  argsText?: string;
  /** The result as JSON text, as pushed (an error result too); absent for an expired call. */
  resultText?: string;
}

export interface CalleeOptions {
  /** Only the callee role: it reads calls and pushes results. */
  broker: CalleeBroker;
  /** URI → function. More can be registered before start(). */
  handlers?: Record<string, Thunk>;
  /** Calls run at the same time. Default 10. */
  workers?: number;
  onInvocation?: (inv: Invocation) => void;
  onError?: (err: Error) => void;
}

export interface CalleeUriMetrics {
  Requests: number;
  Succeeded: number;
  Failed: number;
  Expired: number;
}

/** The error object a failed call returns: the error's own JSON form when it has one. */
export function errorResult(err: unknown): unknown {
  if (err && typeof (err as { toJSON?: unknown }).toJSON === 'function') return (err as { toJSON(): unknown }).toJSON();
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  return { error: { message } };
}

function newUriMetrics(): CalleeUriMetrics {
  return { Requests: 0, Succeeded: 0, Failed: 0, Expired: 0 };
}

export class Callee {
  readonly #broker: CalleeBroker;
  readonly #handlers = new Map<string, Thunk>();
  readonly #workers: number;
  readonly #opts: CalleeOptions;
  #running = 0;
  #reader: ({ wake(): void } & { close(): Promise<void> }) | undefined;
  #idle: (() => void)[] = [];
  readonly metrics: CalleeUriMetrics = newUriMetrics();
  readonly uriMetrics = new Map<string, CalleeUriMetrics>();

  constructor(opts: CalleeOptions) {
    this.#opts = opts;
    this.#broker = opts.broker;
    this.#workers = Math.max(1, opts.workers ?? 10);
    for (const [uri, fn] of Object.entries(opts.handlers ?? {})) this.register(uri, fn);
  }

  get uris(): string[] {
    return [...this.#handlers.keys()];
  }

  get running(): boolean {
    return this.#reader !== undefined;
  }

  /** Calls being run right now. */
  get busy(): number {
    return this.#running;
  }

  /** Registers (or replaces) the function of a URI. A new URI takes effect at the next start(). */
  register(uri: string, fn: Thunk): void {
    if (!uri) throw new TypeError('a callee URI must not be empty');
    this.#handlers.set(uri, fn);
    if (!this.uriMetrics.has(uri)) this.uriMetrics.set(uri, newUriMetrics());
  }

  start(): void {
    if (this.#reader) return;
    if (this.#handlers.size === 0) throw new Error('the callee has no URIs: register a function first');
    this.#reader = this.#broker.calls(this.uris, () => this.#workers - this.#running, {
      onItem: (p) => this.#run(p),
      onExpired: (p) => this.#expired(p),
      onError: (err) => this.#opts.onError?.(err),
    });
  }

  /** Stops taking calls, then waits for the running ones to store their results. */
  async stop(): Promise<void> {
    const r = this.#reader;
    this.#reader = undefined;
    await r?.close();
    if (this.#running > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #count(uri: string, field: keyof CalleeUriMetrics): void {
    this.metrics[field]++;
    const m = this.uriMetrics.get(uri);
    if (m) m[field]++;
  }

  #expired(p: CallPayload): void {
    this.#count(p.uri, 'Requests');
    this.#count(p.uri, 'Expired');
    const now = performance.now();
    this.#opts.onInvocation?.({ uri: p.uri, msgUUID: p.msg_uuid, poppedAt: now, startedAt: now, durationMs: 0, outcome: 'expired' });
  }

  #run(p: Popped): void {
    this.#running++;
    this.#invoke(p)
      .catch((err) => this.#opts.onError?.(err as Error))
      .finally(() => {
        this.#running--;
        this.#reader?.wake();
        if (this.#running === 0) for (const f of this.#idle.splice(0)) f();
      });
  }

  async #invoke({ payload, ttlMs, poppedAt }: Popped): Promise<void> {
    const { uri, msg_uuid } = payload;
    this.#count(uri, 'Requests');
    const fn = this.#handlers.get(uri);
    // the signal and its timer are made only for a function that asks for them: most never do, and an
    // AbortController and a timer per call cost a callee serving thousands of calls a second dearly
    let timer: NodeJS.Timeout | undefined;
    let signal: AbortSignal | undefined;
    const ctx: CallContext = {
      uri,
      msgUUID: msg_uuid,
      ttlMs,
      get signal(): AbortSignal {
        if (!signal) {
          const ac = new AbortController();
          signal = ac.signal;
          const left = ttlMs - (performance.now() - poppedAt);
          timer = setTimeout(() => ac.abort(new Error(`call ${msg_uuid} to ${uri} timed out`)), Math.max(0, left));
        }
        return signal;
      },
    };
    const startedAt = performance.now();
    let result: unknown;
    let error: string | undefined;
    try {
      if (!fn) throw new Error(`no function registered for URI ${uri}`);
      result = await fn(payload.args.value, ctx);
    } catch (err) {
      result = errorResult(err);
      error = (err as Error)?.message ?? String(err);
    } finally {
      if (timer) clearTimeout(timer);
    }
    let text: string;
    try {
      text = JSON.stringify(result === undefined ? null : result);
    } catch (err) {
      error = `the result of ${uri} cannot be encoded as JSON: ${(err as Error).message}`;
      text = JSON.stringify({ error: { message: error } });
    }
    const durationMs = performance.now() - startedAt;
    // the result lives as long as the call had left (Go: TTL after read minus the run time)
    const left = ttlMs - (performance.now() - poppedAt);
    if (left < 1) {
      this.#count(uri, 'Expired');
      this.#opts.onInvocation?.({
        uri,
        msgUUID: msg_uuid,
        poppedAt,
        startedAt,
        durationMs,
        outcome: 'expired',
        argsText: payload.args.text,
        ...(error !== undefined ? { error } : {}),
      });
      return;
    }
    await this.#broker.result({ conn_uuid: payload.conn_uuid, msg_uuid, uri, args: new RawJson(text) }, left);
    this.#count(uri, error === undefined ? 'Succeeded' : 'Failed');
    this.#opts.onInvocation?.({
      uri,
      msgUUID: msg_uuid,
      poppedAt,
      startedAt,
      durationMs,
      outcome: error === undefined ? 'ok' : 'error',
      error,
      argsText: payload.args.text,
      resultText: text,
    });
  }
}
