// Pops a set of lists with BRPOP on a dedicated connection and hands each item over, as the Go broker's
// calls and results connections do. It pops only while its consumer has room (`room()`), so a busy
// callee leaves calls in redis for other callees; after a BRPOP it drains what else is waiting with
// RPOP COUNT, which saves a round trip per item under load without changing any payload.
import type { Closable } from '../broker';
import { type RedisClient, whenReady } from './connection';
import type { RedisOp } from './options';

export interface ListPopperOptions {
  client: RedisClient;
  keys: string[];
  /** How many more items the consumer can take now. */
  room: () => number;
  /** `pop` says how the item came: the consumer decodes it and reports the op with its msgUUID. */
  onItem: (key: string, raw: string, pop: PopInfo) => void;
  onError: (err: Error) => void;
  /** Reports each BRPOP/RPOP (without msgUUID); leave unset when onItem reports the pops itself. */
  onOp?: (op: RedisOp) => void;
  reconnectMaxDelayMs: number;
  /** Most items to take per RPOP after a BRPOP. Default 64. */
  drainCount?: number;
}

/** How an item left redis. For RPOP, `durationMs` is the whole batch's round trip. */
export interface PopInfo {
  command: 'BRPOP' | 'RPOP';
  durationMs: number;
}

export class ListPopper implements Closable {
  #closed = false;
  #onClose: () => void = () => undefined;
  readonly #closedSignal = new Promise<void>((resolve) => {
    this.#onClose = resolve;
  });
  #running = false;
  #done: Promise<void> = Promise.resolve();
  readonly #o: ListPopperOptions;

  constructor(o: ListPopperOptions) {
    this.#o = o;
    this.wake();
  }

  /** Starts popping again if it stopped for lack of room. */
  wake(): void {
    if (this.#running || this.#closed || this.#o.room() <= 0) return;
    this.#running = true;
    this.#done = this.#loop().finally(() => {
      this.#running = false;
    });
  }

  async #loop(): Promise<void> {
    const { client, keys, onItem, onOp } = this.#o;
    const drainCount = this.#o.drainCount ?? 64;
    while (!this.#closed && this.#o.room() > 0) {
      if (client.status !== 'ready') {
        // not connected yet, or redis went away: commands would fail at once (no offline queue)
        await Promise.race([whenReady(client, this.#o.reconnectMaxDelayMs * 4), this.#closedSignal]);
        continue;
      }
      try {
        const t0 = performance.now();
        const r = (await client.brpop(...keys, 0)) as [string, string] | null;
        if (!r) continue;
        const durationMs = performance.now() - t0;
        onOp?.({ command: 'BRPOP', key: r[0], bytes: r[1].length, durationMs });
        // handed over even when close was asked meanwhile: it has left redis, dropping it would lose it
        onItem(r[0], r[1], { command: 'BRPOP', durationMs });
        // drain the same list while the consumer has room
        let room = this.#o.room();
        while (room > 0 && !this.#closed) {
          const t1 = performance.now();
          const more = (await client.rpop(r[0], Math.min(room, drainCount))) as string[] | null;
          if (!more || more.length === 0) break;
          const pop: PopInfo = { command: 'RPOP', durationMs: performance.now() - t1 };
          onOp?.({ command: 'RPOP', key: r[0], bytes: more.reduce((n, s) => n + s.length, 0), durationMs: pop.durationMs });
          for (const item of more) onItem(r[0], item, pop);
          room = this.#o.room();
        }
      } catch (err) {
        if (this.#closed) return;
        this.#o.onError(err as Error);
        if (client.status === 'ready') await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    // a BRPOP blocks its connection: disconnecting is the only way to interrupt it
    this.#o.client.disconnect();
    await this.#done;
  }
}
