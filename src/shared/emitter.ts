// The one typed event emitter of the engine and the clients: no EventTarget, no node:events, so the juggler
// client and the sync library run unchanged in browsers and in Node.
//
// What a throwing listener does, decided once for every emitter (issue 14):
// - it never breaks the emitting code: emit() catches, the other listeners still run, and the protocol
//   code that emitted (a peer's frame handling, the client's bookkeeping) carries on;
// - it is never lost: the error goes to listenerFailed(), which subclasses override to report it as
//   their own event ('error' on the client) or to end what it belonged to (a sync connection closes
//   with 1011); what is left to the default is reported by reportListenerError;
// - that default reports asynchronously (on a microtask, after the emitting code finished its step) and
//   never rethrows into the process: a peer's data reaches listeners (a CLI's log line, a trace adapter),
//   and one listener failing on one frame used to become an uncaught exception that ended the whole
//   process (issue 11, item 2). Browsers get reportError (window's 'error' event and the console, as a
//   throwing EventTarget listener would); Node, which has no reportError, gets console.error.

/** Maps each event name to the tuple of its listener's arguments. */
export type EventMap = { [name: string]: unknown[] };
export type Listener<A extends unknown[]> = (...args: A) => void;

/** The default delivery of a listener's error: asynchronously, to reportError or the console, never rethrown. */
export function reportListenerError(error: unknown, event: PropertyKey): void {
  queueMicrotask(() => {
    const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
    if (typeof report === 'function') report(error);
    else console.error(`juggler: a '${String(event)}' listener failed:`, error);
  });
}

export class Emitter<E extends EventMap> {
  // values are Listener<E[K]> for their key K; the map cannot express that, hence the casts on the way out
  readonly #listeners = new Map<keyof E, Set<unknown>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs at most once. */
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` in order; returns whether there was any. A throwing one goes to listenerFailed. */
  protected emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E[K]>)(...args);
      } catch (err) {
        this.listenerFailed(event, err);
      }
    }
    return true;
  }

  /**
   * A listener of `event` threw `error`. Must not throw. The default reports it (reportListenerError);
   * subclasses report it as their own event or end what the event belonged to.
   */
  protected listenerFailed(event: keyof E, error: unknown): void {
    reportListenerError(error, event);
  }
}
