// Pops a set of lists on a dedicated connection and hands the items over in batches, as the Go broker's
// calls and results connections do with BRPOP. It pops only while its consumer has room (`room()`), so
// a busy callee leaves calls in redis for other callees.
//
// On redis 7 and later it waits with BLMPOP ... RIGHT COUNT n: one round trip takes what is waiting, up
// to the consumer's room, in the order repeated BRPOPs would. Older redis answers "unknown command"; the
// popper then uses BRPOP and drains what else is waiting with RPOP COUNT. Both leave the same lists and
// payloads behind, so Go servers and callees on the same redis see no difference.
import type { Closable } from '../broker';
import { type RedisClient, whenReady } from './connection';
import type { RedisOp } from './options';

export interface ListPopperOptions {
  client: RedisClient;
  keys: string[];
  /** How many more items the consumer can take now. */
  room: () => number;
  /** Items popped from `key` in one reply, oldest first. The consumer decodes them and reports the op with their msgUUIDs. */
  onItems: (key: string, raws: string[], pop: PopInfo) => void;
  onError: (err: Error) => void;
  /** Reports each pop (without msgUUID); leave unset when onItems reports the pops itself. */
  onOp?: (op: RedisOp) => void;
  reconnectMaxDelayMs: number;
  /** Most items to take in one pop. Default 64. */
  batch?: number;
}

export type PopCommand = 'BLMPOP' | 'BRPOP' | 'RPOP';

/** How items left redis. `durationMs` is the whole reply's round trip (for a blocking pop: the wait included). */
export interface PopInfo {
  command: PopCommand;
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
  /** Unknown until the first BLMPOP: then whether this redis has it. */
  #hasBlmpop: boolean | undefined;

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

  #hand(key: string, raws: string[], command: PopCommand, t0: number): void {
    const pop: PopInfo = { command, durationMs: performance.now() - t0 };
    this.#o.onOp?.({ command, key, bytes: raws.reduce((n, s) => n + s.length, 0), durationMs: pop.durationMs });
    // handed over even when close was asked meanwhile: they have left redis, dropping them would lose them
    this.#o.onItems(key, raws, pop);
  }

  async #loop(): Promise<void> {
    const { client } = this.#o;
    while (!this.#closed && this.#o.room() > 0) {
      if (client.status !== 'ready') {
        // not connected yet, or redis went away: commands would fail at once (no offline queue)
        await Promise.race([whenReady(client, this.#o.reconnectMaxDelayMs * 4), this.#closedSignal]);
        continue;
      }
      try {
        if (this.#hasBlmpop === false) await this.#popOld();
        else await this.#popBlmpop();
      } catch (err) {
        if (this.#closed) return;
        this.#o.onError(err as Error);
        if (client.status === 'ready') await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  #count(): number {
    return Math.max(1, Math.min(this.#o.room(), this.#o.batch ?? 64));
  }

  async #popBlmpop(): Promise<void> {
    const { client, keys } = this.#o;
    const t0 = performance.now();
    let r: [string, string[]] | null;
    try {
      r = (await client.call('BLMPOP', '0', String(keys.length), ...keys, 'RIGHT', 'COUNT', String(this.#count()))) as
        | [string, string[]]
        | null;
    } catch (err) {
      if (this.#hasBlmpop === undefined && /unknown command/i.test((err as Error).message)) {
        this.#hasBlmpop = false; // redis before 7.0
        return;
      }
      throw err;
    }
    this.#hasBlmpop = true;
    if (r && r[1].length > 0) this.#hand(r[0], r[1], 'BLMPOP', t0);
  }

  async #popOld(): Promise<void> {
    const { client, keys } = this.#o;
    const t0 = performance.now();
    const r = (await client.brpop(...keys, 0)) as [string, string] | null;
    if (!r) return;
    this.#hand(r[0], [r[1]], 'BRPOP', t0);
    // drain the same list while the consumer has room
    while (this.#o.room() > 0 && !this.#closed) {
      const t1 = performance.now();
      const more = (await client.rpop(r[0], this.#count())) as string[] | null;
      if (!more || more.length === 0) return;
      this.#hand(r[0], more, 'RPOP', t1);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    // a blocking pop holds its connection: disconnecting is the only way to interrupt it
    this.#o.client.disconnect();
    await this.#done;
  }
}
