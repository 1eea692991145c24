// The redis broker: every role of broker/broker.ts on ioredis, with the Go key layout, payloads and
// Lua scripts, so that Go servers and callees share a redis with ours.
import { readFileSync } from 'node:fs';
import type {
  BrokerStatus,
  CalleeBroker,
  CallerBroker,
  CallPayload,
  Closable,
  EventListener,
  FaultBroker,
  Popped,
  PubPayload,
  PubSubBroker,
  Reader,
  ReaderHandlers,
  ResultPayload,
} from '../broker';
import { BrokerError } from '../broker';
import { calleeClientName } from './client-names';
import { type ConnectionSpec, connectClient, createClient, type RedisClient, toBrokerError } from './connection';
import { callKey, callTimeoutKey, crossSlotReason, resultKey, resultTimeoutKey, uriOfCallKey } from './keys';
import { ListPopper, type PopInfo } from './list-popper';
import { type BrokerMetrics, newBrokerMetrics } from './metrics';
import { type RedisBrokerOptions, type RedisOp, redactUrl, withDefaults } from './options';
import { decodeCallPayload, encodeCallPayload, encodePubPayload } from './payload';
import { SharedSubscriber } from './pubsub';
import { PushBatcher } from './push-batcher';
import { PTTL_DEL_MANY_SCRIPT, PTTL_DEL_SCRIPT, PUSH_MANY_SCRIPT, PUSH_SCRIPT } from './scripts';
import { groupBySlot } from './slots';

interface ScriptCommands {
  jugglerPush(timeoutKey: string, listKey: string, ttlMs: string, payload: string, cap: string): Promise<number>;
  jugglerPttlDel(timeoutKey: string): Promise<number>;
  jugglerPttlDelMany(numKeys: number, ...timeoutKeys: string[]): Promise<number[]>;
  jugglerPushMany(numKeys: number, ...keysThenArgs: string[]): Promise<(number | string)[]>;
}
type ScriptedClient = RedisClient & ScriptCommands;

function defineScripts(c: RedisClient): ScriptedClient {
  // defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT, as the Go broker does
  c.defineCommand('jugglerPush', { numberOfKeys: 2, lua: PUSH_SCRIPT });
  c.defineCommand('jugglerPttlDel', { numberOfKeys: 1, lua: PTTL_DEL_SCRIPT });
  c.defineCommand('jugglerPttlDelMany', { lua: PTTL_DEL_MANY_SCRIPT });
  c.defineCommand('jugglerPushMany', { lua: PUSH_MANY_SCRIPT });
  return c as ScriptedClient;
}

/** A popped item whose timeout key was still alive. */
export type { Popped, ReaderHandlers };

export class RedisBroker implements CallerBroker, CalleeBroker, PubSubBroker, BrokerStatus, FaultBroker, Closable {
  readonly metrics: BrokerMetrics = newBrokerMetrics();
  readonly #opts: ReturnType<typeof withDefaults>;
  readonly #cmd: ScriptedClient;
  readonly #pubCmd: RedisClient;
  #subscriber: SharedSubscriber | undefined;
  #subscriberReady: Promise<SharedSubscriber> | undefined;
  readonly #closables = new Set<Closable>();
  readonly #pushes: PushBatcher;
  #closed = false;

  private constructor(opts: ReturnType<typeof withDefaults>, cmd: ScriptedClient, pubCmd: RedisClient) {
    this.#opts = opts;
    this.#cmd = cmd;
    this.#pubCmd = pubCmd;
    this.#pushes = new PushBatcher(
      {
        one: (i) => cmd.jugglerPush(i.timeoutKey, i.listKey, i.ttl, i.payload, i.cap),
        many: (keys, args) => cmd.jugglerPushMany(keys.length, ...keys, ...args),
        // same connection as the push, so redis runs it right after the push it cancels
        cancel: (tks) => {
          cmd.del(...tks).catch(() => undefined);
        },
      },
      opts.cluster,
      opts.commandTimeoutMs,
    );
  }

  /** Connects to redis (and the pub-sub redis); rejects with a BrokerError that names the URL. */
  static async connect(options: RedisBrokerOptions = {}): Promise<RedisBroker> {
    const opts = withDefaults(options);
    const cmdSpec = RedisBroker.#spec(opts, opts.url, 'cmd');
    const cmd = defineScripts(createClient(cmdSpec, opts.onHealth));
    await connectClient(cmd, cmdSpec);
    let pubCmd: RedisClient = cmd;
    if (opts.pubsubUrl && opts.pubsubUrl !== opts.url) {
      const spec = RedisBroker.#spec(opts, opts.pubsubUrl, 'pub');
      pubCmd = createClient(spec, opts.onHealth);
      try {
        await connectClient(pubCmd, spec);
      } catch (err) {
        cmd.disconnect();
        throw err;
      }
    }
    return new RedisBroker(opts, cmd, pubCmd);
  }

  static #spec(opts: ReturnType<typeof withDefaults>, url: string, role: string): ConnectionSpec {
    return {
      // The hot commands batch themselves (pushes per event-loop turn, timeout checks per pop), so they
      // are written at once: ioredis' auto-pipelining would hold each for another turn and cost CPU per
      // command (off: 100 connections 14.8k → 17.1k round trips/s, one connection p50 0.67 → 0.50 ms).
      // A separate pub-sub redis keeps it: PUBLISHes of one turn share a write there.
      autoPipelining: role === 'pub',
      url,
      cluster: opts.cluster,
      clusterNodes: opts.clusterNodes,
      reconnectMaxDelayMs: opts.reconnectMaxDelayMs,
      name: `juggler:${opts.clientName ?? 'broker'}:${role}`,
      // blocking pops wait on purpose: only the other connections get the command timeout
      commandTimeoutMs: role === 'calls' || role === 'results' ? undefined : opts.commandTimeoutMs,
      tlsCa: opts.tlsCaFile ? readCaFile(opts.tlsCaFile) : undefined,
    };
  }

  get description(): string {
    const pub = this.#opts.pubsubUrl ? `, pub-sub ${redactUrl(this.#opts.pubsubUrl)}` : '';
    return `${this.#opts.cluster ? 'cluster ' : ''}${redactUrl(this.#opts.url)}${pub}`;
  }

  /** True while the command connection is up. */
  get healthy(): boolean {
    return this.#cmd.status === 'ready';
  }

  #op(op: RedisOp): void {
    this.#opts.onOp?.(op);
  }

  async #push(kind: 'call' | 'result', timeoutKey: string, listKey: string, p: CallPayload, ttlMs: number, cap: number): Promise<void> {
    if (this.#closed) throw new BrokerError('CLOSED', 'the broker is closed');
    const payload = encodeCallPayload(p);
    // PX needs at least 1 ms; Go truncates durations to whole milliseconds
    const ttl = String(Math.max(1, Math.floor(ttlMs)));
    const t0 = performance.now();
    try {
      await this.#pushes.push({ timeoutKey, listKey, ttl, payload, cap: String(cap), deadline: t0 + Number(ttl) });
      this.#op({ command: 'EVALSHA push', key: listKey, bytes: payload.length, durationMs: performance.now() - t0, msgUUID: p.msg_uuid });
    } catch (err) {
      const be = toBrokerError(err, `push ${kind} to ${listKey}`, this.#opts.commandTimeoutMs);
      if (be.code === 'UNAVAILABLE' || be.code === 'TIMEOUT') this.metrics.RedisErrors++;
      this.#op({
        command: 'EVALSHA push',
        key: listKey,
        bytes: payload.length,
        durationMs: performance.now() - t0,
        msgUUID: p.msg_uuid,
        error: be.message,
      });
      throw be;
    }
  }

  /** Refuses, before any redis command, a push whose two keys a cluster could not take in one script. */
  #checkSlots(what: string, tagged: string): void {
    if (!this.#opts.cluster) return;
    const why = crossSlotReason(tagged);
    if (why) throw new BrokerError('INVALID_KEY', `${what} cannot be used on a redis cluster: ${why}`);
  }

  /** Pushes a call: `SET juggler:calls:timeout:{U}:M T PX T` + `LPUSH juggler:calls:{U}`, atomically. */
  async call(cp: CallPayload, timeoutMs: number): Promise<void> {
    this.#checkSlots(`the URI "${cp.uri}"`, cp.uri);
    await this.#push('call', callTimeoutKey(cp.uri, cp.msg_uuid), callKey(cp.uri), cp, timeoutMs, this.#opts.callCap);
    this.metrics.Calls++;
  }

  /** Pushes a result for connection `rp.conn_uuid` with the time its call had left. */
  async result(rp: ResultPayload, timeoutMs: number): Promise<void> {
    this.#checkSlots(`the connection id "${rp.conn_uuid}"`, rp.conn_uuid);
    await this.#push('result', resultTimeoutKey(rp.conn_uuid, rp.msg_uuid), resultKey(rp.conn_uuid), rp, timeoutMs, this.#opts.resultCap);
    this.metrics.Results++;
  }

  async publish(channel: string, pp: PubPayload): Promise<void> {
    if (this.#closed) throw new BrokerError('CLOSED', 'the broker is closed');
    const payload = encodePubPayload(pp);
    const t0 = performance.now();
    try {
      await this.#pubCmd.publish(channel, payload);
      this.#op({ command: 'PUBLISH', key: channel, bytes: payload.length, durationMs: performance.now() - t0, msgUUID: pp.msg_uuid });
    } catch (err) {
      this.metrics.RedisErrors++;
      throw toBrokerError(err, `PUBLISH ${channel}`, this.#opts.commandTimeoutMs);
    }
  }

  /**
   * Reads what is pushed to some lists (calls for URIs, or results for a connection), checks each
   * item's timeout key (PTTL and DEL in one script) and hands over the ones still alive.
   * `room()` says how many more the consumer can take now; call `wake()` on the returned reader when
   * room frees up.
   */
  #reader(kind: 'call' | 'result', keys: string[], room: () => number, h: ReaderHandlers): { wake(): void } & Closable {
    const m = this.metrics;
    // items popped whose timeout key is still being checked: they count against the consumer's room
    let checking = 0;
    const popperRoom = () => room() - checking;
    const timeoutKey = (p: CallPayload) =>
      kind === 'call' ? callTimeoutKey(p.uri, p.msg_uuid) : resultTimeoutKey(p.conn_uuid, p.msg_uuid);
    const decode = (key: string, raw: string, pop: PopInfo): CallPayload | undefined => {
      try {
        return decodeCallPayload(raw);
      } catch (err) {
        this.#op({
          command: pop.command,
          key,
          bytes: raw.length,
          durationMs: pop.durationMs,
          error: `malformed payload: ${(err as Error).message}`,
        });
        if (kind === 'call') m.FailedCallPayloadUnmarshals++;
        else m.FailedResPayloadUnmarshals++;
        h.onError?.(new Error(`dropped a malformed ${kind} payload from ${key}: ${(err as Error).message}`));
        return undefined;
      }
    };
    /** Hands over the items whose timeout keys were still alive; counts the rest expired. */
    const checked = (items: CallPayload[], tks: string[], ttls: number[], poppedAt: number) => {
      checking -= items.length;
      const durationMs = performance.now() - poppedAt;
      for (let i = 0; i < items.length; i++) {
        const p = items[i]!;
        this.#op({ command: 'EVALSHA pttl-del', key: tks[i]!, bytes: 0, durationMs, msgUUID: p.msg_uuid });
        const ttl = ttls[i]!;
        if (ttl <= 0) {
          // -2: the key is gone (expired); -1 (no TTL) or 0 cannot be honoured either
          if (kind === 'call') m.ExpiredCalls++;
          else m.ExpiredResults++;
          h.onExpired?.(p);
          continue;
        }
        h.onItem({ payload: p, ttlMs: ttl, poppedAt });
      }
      reader.wake();
    };
    const failed = (items: CallPayload[], tks: string[], err: unknown) => {
      checking -= items.length;
      reader.wake();
      if (kind === 'call') m.FailedPTTLCalls += items.length;
      else m.FailedPTTLResults += items.length;
      h.onError?.(toBrokerError(err, `PTTL ${tks.join(' ')}`));
    };
    /** PTTL and DEL of the timeout keys of items popped together: Go's script for one, one script call for several. */
    const check = (items: CallPayload[], poppedAt: number) => {
      checking += items.length;
      const tks = items.map(timeoutKey);
      if (items.length === 1) {
        this.#cmd.jugglerPttlDel(tks[0]!).then(
          (ttl) => checked(items, tks, [ttl], poppedAt),
          (err) => failed(items, tks, err),
        );
        return;
      }
      this.#cmd.jugglerPttlDelMany(tks.length, ...tks).then(
        (ttls) => checked(items, tks, ttls, poppedAt),
        (err) => failed(items, tks, err),
      );
    };
    const onItems = (key: string, raws: string[], pop: PopInfo) => {
      const poppedAt = performance.now();
      const items: CallPayload[] = [];
      for (const raw of raws) {
        const p = decode(key, raw, pop);
        if (!p) continue;
        // reported here rather than by the popper: only the decoded payload knows the msgUUID the trace
        // bus correlates the hops of a call by
        this.#op({ command: pop.command, key, bytes: raw.length, durationMs: pop.durationMs, msgUUID: p.msg_uuid });
        items.push(p);
      }
      if (items.length === 0) return;
      // the timeout keys of one list share its hash tag, so one script call can check them all; a payload
      // whose uri or conn_uuid does not match its list (written by someone else) may land elsewhere in a cluster
      for (const g of groupBySlot(items, timeoutKey, this.#opts.cluster)) check(g, poppedAt);
    };
    const groups = groupBySlot(keys, (k) => k, this.#opts.cluster);
    const poppers = groups.map((groupKeys) => {
      const spec = RedisBroker.#spec(this.#opts, this.#opts.url, kind === 'call' ? 'calls' : 'results');
      // CLIENT LIST shows no keys: the name tells the inspector which URIs this BRPOP waits on
      if (kind === 'call') spec.name = calleeClientName(this.#opts.clientName ?? 'broker', groupKeys.map(uriOfCallKey));
      const client = createClient(spec, this.#opts.onHealth);
      client.connect().catch(() => undefined); // the popper waits for ready and reports errors itself
      return new ListPopper({
        client,
        keys: groupKeys,
        room: popperRoom,
        onItems,
        onError: (err) => {
          m.RedisErrors++;
          h.onError?.(toBrokerError(err, `pop ${groupKeys.join(' ')}`));
        },
        reconnectMaxDelayMs: this.#opts.reconnectMaxDelayMs,
      });
    });
    const reader: { wake(): void } & Closable = {
      wake: () => {
        for (const p of poppers) p.wake();
      },
      close: async () => {
        this.#closables.delete(reader);
        await Promise.all(poppers.map((p) => p.close()));
      },
    };
    this.#closables.add(reader);
    return reader;
  }

  /** Calls for these URIs (a callee). One BRPOP per cluster slot group, one in all on a single redis. */
  calls(uris: string[], room: () => number, h: ReaderHandlers): Reader {
    return this.#reader('call', uris.map(callKey), room, h);
  }

  /** Results pushed for `connUUID` (a server). */
  results(connUUID: string, h: ReaderHandlers): Reader {
    return this.#reader('result', [resultKey(connUUID)], () => Number.POSITIVE_INFINITY, h);
  }

  async #sub(): Promise<SharedSubscriber> {
    if (this.#subscriber) return this.#subscriber;
    this.#subscriberReady ??= (async () => {
      const url = this.#opts.pubsubUrl ?? this.#opts.url;
      const spec = RedisBroker.#spec(this.#opts, url, 'sub');
      const client = createClient(spec, this.#opts.onHealth);
      try {
        await connectClient(client, spec);
      } catch (err) {
        this.#subscriberReady = undefined;
        throw err;
      }
      this.#subscriber = new SharedSubscriber(client, this.metrics, this.#opts.onOp);
      return this.#subscriber;
    })();
    return this.#subscriberReady;
  }

  async subscribe(name: string, pattern: boolean, listener: EventListener): Promise<void> {
    if (this.#closed) throw new BrokerError('CLOSED', 'the broker is closed');
    await (await this.#sub()).subscribe(name, pattern, listener);
  }

  async unsubscribe(name: string, pattern: boolean, listener: EventListener): Promise<void> {
    if (!this.#subscriber) return;
    await this.#subscriber.unsubscribe(name, pattern, listener);
  }

  async unsubscribeAll(listener: EventListener): Promise<void> {
    await this.#subscriber?.removeListener(listener);
  }

  /** Lets a pending call's TTL lapse now (PEXPIRE 1 on its timeout key): its callee finds it expired. */
  async expireCall(uri: string, msgUUID: string): Promise<boolean> {
    if (this.#closed) throw new BrokerError('CLOSED', 'the broker is closed');
    try {
      return (await this.#cmd.pexpire(callTimeoutKey(uri, msgUUID), 1)) === 1;
    } catch (err) {
      throw toBrokerError(err, `PEXPIRE ${callTimeoutKey(uri, msgUUID)}`, this.#opts.commandTimeoutMs);
    }
  }

  /** The command connection, for read-only inspection (the Studio's redis inspector). */
  get client(): RedisClient {
    return this.#cmd;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#closables].map((c) => c.close()));
    await this.#subscriber?.close();
    for (const c of new Set([this.#cmd, this.#pubCmd])) {
      await c.quit().catch(() => c.disconnect());
    }
  }
}

function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new BrokerError('UNAVAILABLE', `cannot read the redis CA file ${file} (tlsCaFile, --redis-ca): ${(err as Error).message}`, {
      cause: err,
    });
  }
}
