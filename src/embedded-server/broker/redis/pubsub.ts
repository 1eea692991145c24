// One subscriber connection per broker, shared by all the websocket connections of a server: each
// channel or pattern is subscribed in redis once, with a count of the listeners that want it, and
// every message is fanned out to them. Redis delivers a message once per matching subscription (a
// channel and a pattern both matching give two), and so do we, as Go's per-connection subscriptions do.
import type { BrokerMetrics, Closable, EventListener, EventPayload } from '../broker';
import { BrokerError } from '../broker';
import { type RedisClient, toBrokerError } from './connection';
import type { RedisOp } from './options';
import { decodePubPayload } from './payload';

export type { EventListener };

export class SharedSubscriber {
  readonly #channels = new Map<string, Set<EventListener>>();
  readonly #patterns = new Map<string, Set<EventListener>>();
  #closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly metrics: BrokerMetrics,
    private readonly onOp?: (op: RedisOp) => void,
    private readonly onError?: (err: Error) => void,
  ) {
    client.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.#deliver(this.#channels.get(channel.toString()), channel, message),
    );
    client.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) =>
      this.#deliver(this.#patterns.get(pattern.toString()), channel, message, pattern.toString()),
    );
  }

  #deliver(listeners: Set<EventListener> | undefined, channel: Buffer, message: Buffer, pattern?: string): void {
    if (!listeners || listeners.size === 0) return;
    const text = message.toString();
    let pp: ReturnType<typeof decodePubPayload>;
    try {
      pp = decodePubPayload(text);
    } catch (err) {
      this.metrics.FailedEvntPayloadUnmarshals++;
      this.onError?.(err as Error);
      return;
    }
    this.metrics.Events++;
    const ev: EventPayload = { ...pp, channel: channel.toString(), ...(pattern !== undefined ? { pattern } : {}) };
    this.onOp?.({
      command: pattern !== undefined ? 'PMESSAGE' : 'MESSAGE',
      key: ev.channel,
      bytes: text.length,
      durationMs: 0,
      msgUUID: pp.msg_uuid,
    });
    for (const l of listeners) l(ev);
  }

  /** Adds a listener; subscribes in redis when it is the first for that channel or pattern. */
  async subscribe(name: string, pattern: boolean, listener: EventListener): Promise<void> {
    if (this.#closed) throw new BrokerError('CLOSED', 'the broker is closed');
    const map = pattern ? this.#patterns : this.#channels;
    let set = map.get(name);
    if (set?.has(listener)) return;
    const first = !set;
    if (!set) {
      set = new Set();
      map.set(name, set);
    }
    set.add(listener);
    if (!first) return;
    const t0 = performance.now();
    try {
      if (pattern) await this.client.psubscribe(name);
      else await this.client.subscribe(name);
      this.onOp?.({ command: pattern ? 'PSUBSCRIBE' : 'SUBSCRIBE', key: name, bytes: 0, durationMs: performance.now() - t0 });
    } catch (err) {
      set.delete(listener);
      if (set.size === 0) map.delete(name);
      throw toBrokerError(err, `${pattern ? 'PSUBSCRIBE' : 'SUBSCRIBE'} ${name}`);
    }
  }

  /** Removes a listener; unsubscribes in redis when it was the last. Unknown names are fine (as in redis). */
  async unsubscribe(name: string, pattern: boolean, listener: EventListener): Promise<void> {
    const map = pattern ? this.#patterns : this.#channels;
    const set = map.get(name);
    if (!set?.delete(listener) || set.size > 0) return;
    map.delete(name);
    const t0 = performance.now();
    try {
      if (pattern) await this.client.punsubscribe(name);
      else await this.client.unsubscribe(name);
      this.onOp?.({ command: pattern ? 'PUNSUBSCRIBE' : 'UNSUBSCRIBE', key: name, bytes: 0, durationMs: performance.now() - t0 });
    } catch (err) {
      // redis is away: it forgot our subscriptions anyway; ioredis will not resubscribe a removed name
      throw toBrokerError(err, `${pattern ? 'PUNSUBSCRIBE' : 'UNSUBSCRIBE'} ${name}`);
    }
  }

  /** Removes a listener from everything it listens to (a websocket connection closed). */
  async removeListener(listener: EventListener): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const [name, set] of this.#channels) if (set.has(listener)) jobs.push(this.unsubscribe(name, false, listener));
    for (const [name, set] of this.#patterns) if (set.has(listener)) jobs.push(this.unsubscribe(name, true, listener));
    await Promise.allSettled(jobs);
  }

  get counts(): { channels: number; patterns: number } {
    return { channels: this.#channels.size, patterns: this.#patterns.size };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
    this.#patterns.clear();
    this.client.disconnect();
  }
}

export type { Closable };
