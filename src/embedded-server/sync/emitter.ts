// A minimal typed event emitter that runs in Node and browsers (no node:events in peer code).
// Like EventTarget, a throwing listener does not stop the others nor the protocol code that emitted. Its
// error goes to listenerFailed, which logs it; a peer also closes its connection there. It is never
// rethrown: a peer's data reaches listeners (a CLI's log line, a trace adapter), and one listener failing
// on one frame used to become an uncaught exception that ended the whole process (issue 11, item 2).
export class Emitter<Events extends { [name: string]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(event: never) => void>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): void {
    this.listeners.get(name)?.delete(listener as (event: never) => void);
  }

  protected emit<K extends keyof Events>(name: K, event: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (event: Events[K]) => void)(event);
      } catch (err) {
        this.listenerFailed(name, err);
      }
    }
  }

  /** A listener of `name` threw `error`. Logs it; subclasses may also end what the event belonged to. */
  protected listenerFailed(name: keyof Events, error: unknown): void {
    console.error(`juggler sync: a '${String(name)}' listener failed:`, error);
  }
}
