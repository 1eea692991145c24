// The typed bridge client the renderer uses: `call('clients.call', {...})` returns the method's result
// type; `on('trace', batch => ...)`. It runs over any transport that moves BridgeFrames (Electron IPC
// through the preload, or the web-mode websocket).
import { type BridgeEvents, type EventName, METHOD_WORK_MS, type MethodName, type ParamsOf, type ResultOf } from './contract';
import { BridgeError, BridgeErrorCode, type BridgeErrorPayload } from './errors';
import type { BridgeFrame } from './frame';

export interface FrameTransport {
  send(frame: BridgeFrame): void;
  onFrame(cb: (frame: BridgeFrame) => void): () => void;
}

type Listener<E extends EventName> = (payload: BridgeEvents[E]) => void;

/** What the bridge waits beyond a method's own work time: the host's answer still has to travel. */
const WORK_MARGIN_MS = 5_000;

export class BridgeClient {
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: ReturnType<typeof setTimeout> }
  >();
  readonly #listeners = new Map<string, Set<(p: unknown) => void>>();
  readonly #off: () => void;

  constructor(
    private readonly transport: FrameTransport,
    private readonly timeoutMs = 30_000,
  ) {
    this.#off = transport.onFrame((f) => this.#onFrame(f));
  }

  call<M extends MethodName>(method: M, ...args: ParamsOf<M> extends undefined ? [] : [ParamsOf<M>]): Promise<ResultOf<M>> {
    const id = this.#nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const entry: { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: ReturnType<typeof setTimeout> } = {
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      const waitMs = this.#waitMs(method, args[0]);
      if (waitMs > 0) {
        entry.timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new BridgeError(BridgeErrorCode.Timeout, `the host did not answer ${method} within ${waitMs} ms`));
        }, waitMs);
      }
      this.#pending.set(id, entry);
      this.transport.send({ id, kind: 'call', method, payload: args[0] });
    });
  }

  /** The bridge's timeout, or the method's own work time plus a margin when that is longer. */
  #waitMs<M extends MethodName>(method: M, params: ParamsOf<M> | undefined): number {
    if (this.timeoutMs <= 0) return 0;
    const work = (METHOD_WORK_MS[method] as ((p: ParamsOf<M>) => number) | undefined)?.(params as ParamsOf<M>);
    return work === undefined ? this.timeoutMs : Math.max(this.timeoutMs, work + WORK_MARGIN_MS);
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (p: unknown) => void);
    return () => set.delete(listener as (p: unknown) => void);
  }

  #onFrame(f: BridgeFrame): void {
    if (f.kind === 'event' && f.event) {
      for (const l of this.#listeners.get(f.event) ?? []) l(f.payload);
      return;
    }
    if (typeof f.id !== 'number') return;
    const p = this.#pending.get(f.id);
    if (!p) return;
    this.#pending.delete(f.id);
    if (p.timer) clearTimeout(p.timer);
    if (f.kind === 'result') p.resolve(f.payload);
    else if (f.kind === 'error') {
      const e = (f.payload ?? {}) as Partial<BridgeErrorPayload>;
      p.reject(new BridgeError(e.code ?? BridgeErrorCode.Failed, e.message ?? 'the host reported an error without a message', e.data));
    }
  }

  /** Rejects every pending call (the transport is gone). */
  fail(message = 'the connection to the host is closed'): void {
    for (const [id, p] of this.#pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new BridgeError(BridgeErrorCode.Closed, message));
      this.#pending.delete(id);
    }
  }

  close(): void {
    this.#off();
    this.fail();
  }
}
