// A tiny typed emitter: no EventTarget, no node:events, so the client runs unchanged in browsers.

/** Maps each event name to the tuple of its listener's arguments. */
export type EventMap = { [name: string]: unknown[] };
export type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<E extends EventMap> {
  // values are Listener<E[K]> for their key K; the map cannot express that, hence the casts on the way out
  readonly #listeners = new Map<keyof E, Set<unknown>>();

  /**
   * @param onListenerError receives what a listener throws, so one faulty listener neither stops the others
   * nor breaks the client's own bookkeeping. By default it is rethrown on a fresh stack (never swallowed).
   */
  constructor(
    private readonly onListenerError: (err: unknown, event: keyof E) => void = (err) => {
      setTimeout(() => {
        throw err;
      }, 0);
    },
  ) {}

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

  /** Calls every listener of `event` in order; returns whether there was any. */
  protected emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E[K]>)(...args);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
    return true;
  }
}
