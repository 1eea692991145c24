// The Studio's redis inspector: what juggler keeps in redis, read-only. It runs on its own
// connections (never the broker's: a slow SCAN must not delay calls), sends no command that writes
// (CLIENT SETNAME on its own connection aside) and fails fast with UNAVAILABLE when redis is down.

import type { PendingCall, PendingCalls } from '../../shared/redis-inspector';
import { type ConnectionSpec, connectClient, createClient, type HealthEvent, type RedisClient } from '../broker/redis/connection';
import { callKey } from '../broker/redis/keys';
import { defaultRedisUrl, type RedisOp, redactUrl } from '../broker/redis/options';
import { type BinaryText, bytesOf } from './binary-text';
import { CommandRunner, quitOrDrop } from './command-runner';
import { InspectorError } from './errors';
import { type ListPage, MAX_PAGE, type PeekOptions, peekList } from './list-peek';
import { DEFAULT_PREVIEW_CHARS } from './payload-view';
import { type InspectorSnapshot, takeSnapshot } from './snapshot';
import { openTap, type Tap, type TapFilter, type TapMessage } from './tap';

export type { PendingCall, PendingCalls } from '../../shared/redis-inspector';

export interface RedisInspectorOptions {
  /** redis:// or rediss:// URL. Default `redis://127.0.0.1:6379`. Never shown with its password. */
  url?: string;
  /** Treat `url` as a seed node of a Redis Cluster and inspect every master. Default false. */
  cluster?: boolean;
  /** Extra cluster seed nodes as `host:port`. Default none. */
  clusterNodes?: string[];
  /** Most juggler keys a snapshot looks at; past it the snapshot is marked `truncated`. Default 100,000. */
  maxKeys?: number;
  /** SCAN COUNT, keys redis examines per SCAN call. Default 1000. */
  scanCount?: number;
  /** Most pub-sub channels whose subscribers a snapshot counts. Default 10,000. */
  maxChannels?: number;
  /** Characters of args and raw previews. Default 200. */
  previewChars?: number;
  /** Longest wait for any one reply, ms; then TIMEOUT. Default 10,000. */
  commandTimeoutMs?: number;
  /** Longest wait to connect, ms; then UNAVAILABLE. Default 5000. */
  connectTimeoutMs?: number;
  /** Longest wait between reconnection attempts, ms. Default 500. */
  reconnectMaxDelayMs?: number;
  /** Most pending calls pendingCalls() returns. Default 10,000. */
  maxPendingCalls?: number;
  /** Called for every command the inspector sends (the caller adds role 'inspector'). Keep it cheap. */
  onOp?: (op: RedisOp) => void;
  /** A connection of the inspector went down or came back. */
  onHealth?: (ev: HealthEvent) => void;
}

const INSPECTOR_NAME = 'juggler:inspector';

type Hooks = 'onOp' | 'onHealth';
type ResolvedOptions = Required<Omit<RedisInspectorOptions, Hooks>> & Pick<RedisInspectorOptions, Hooks>;

export class RedisInspector {
  readonly #client: RedisClient;
  readonly #runner: CommandRunner;
  readonly #o: ResolvedOptions;
  readonly #spec: ConnectionSpec;
  readonly #taps = new Set<Tap>();
  #closed = false;

  private constructor(client: RedisClient, spec: ConnectionSpec, o: ResolvedOptions) {
    this.#client = client;
    this.#spec = spec;
    this.#o = o;
    this.#runner = new CommandRunner({ client, cluster: o.cluster, where: redactUrl(o.url), timeoutMs: o.commandTimeoutMs, onOp: o.onOp });
  }

  /** Connects; rejects with InspectorError UNAVAILABLE naming the (redacted) URL when redis cannot be reached. */
  static async connect(options: RedisInspectorOptions = {}): Promise<RedisInspector> {
    const o: ResolvedOptions = {
      url: options.url ?? defaultRedisUrl,
      cluster: options.cluster ?? false,
      clusterNodes: options.clusterNodes ?? [],
      maxKeys: options.maxKeys ?? 100_000,
      scanCount: options.scanCount ?? 1000,
      maxChannels: options.maxChannels ?? 10_000,
      previewChars: options.previewChars ?? DEFAULT_PREVIEW_CHARS,
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 500,
      maxPendingCalls: options.maxPendingCalls ?? 10_000,
      onOp: options.onOp,
      onHealth: options.onHealth,
    };
    const spec: ConnectionSpec = {
      url: o.url,
      cluster: o.cluster,
      clusterNodes: o.clusterNodes,
      reconnectMaxDelayMs: o.reconnectMaxDelayMs,
      name: INSPECTOR_NAME,
      autoPipelining: false,
    };
    const client = createClient(spec, o.onHealth);
    try {
      await connectClient(client, spec, o.connectTimeoutMs);
    } catch (err) {
      // connectClient's message already names the redacted URL
      throw new InspectorError('UNAVAILABLE', (err as Error).message, { cause: err });
    }
    return new RedisInspector(client, spec, o);
  }

  /** The redis inspected, without password. */
  get description(): string {
    return `${this.#o.cluster ? 'cluster ' : ''}${redactUrl(this.#o.url)}`;
  }

  #open(): void {
    if (this.#closed) throw new InspectorError('CLOSED', 'the inspector is closed');
  }

  async snapshot(): Promise<InspectorSnapshot> {
    this.#open();
    const channels = new Map<string, number>();
    let patterns = 0;
    for (const t of this.#taps) {
      for (const c of t.filter.channels) channels.set(c, (channels.get(c) ?? 0) + 1);
      patterns += t.filter.patterns.length;
    }
    return takeSnapshot(
      this.#runner,
      { url: redactUrl(this.#o.url), cluster: this.#o.cluster },
      {
        maxKeys: this.#o.maxKeys,
        scanCount: this.#o.scanCount,
        maxChannels: this.#o.maxChannels,
        previewChars: this.#o.previewChars,
        taps: { channels, patterns },
      },
    );
  }

  /**
   * A page of a list, without consuming anything: a string key as is, or a snapshot's BinaryText key
   * (which carries the exact bytes of binary names). Throws WRONGTYPE for a key that is not a list.
   */
  async peekList(key: string | Buffer | BinaryText, options: PeekOptions = {}): Promise<ListPage> {
    this.#open();
    this.#runner.ensureUp();
    let bytes: Buffer;
    try {
      bytes = bytesOf(key);
    } catch (err) {
      throw new InspectorError('INVALID_KEY', (err as Error).message);
    }
    return peekList(this.#runner, bytes, { previewChars: this.#o.previewChars, ...options });
  }

  /** Every pending call of a URI (up to maxPendingCalls), oldest first, read page by page. */
  async pendingCalls(uri: string): Promise<PendingCalls> {
    this.#open();
    this.#runner.ensureUp();
    const key = Buffer.from(callKey(uri), 'utf8');
    const out: PendingCalls = { uri, length: 0, calls: [], malformed: [], truncated: false };
    // pages from the oldest end; a callee popping meanwhile shifts that end, so a call may be missed
    // or seen twice across pages: duplicates are dropped by msg uuid
    const seen = new Set<string>();
    for (let start = 0; ; start += MAX_PAGE) {
      const left = this.#o.maxPendingCalls - out.calls.length - out.malformed.length;
      if (left <= 0) {
        out.truncated = start < out.length;
        break;
      }
      const page = await peekList(this.#runner, key, {
        start,
        count: Math.min(MAX_PAGE, left),
        from: 'oldest',
        previewChars: this.#o.previewChars,
      });
      if (start === 0) out.length = page.length;
      for (const e of page.entries) {
        if (!e.call) {
          out.malformed.push(e);
          continue;
        }
        if (seen.has(e.call.msgUUID)) continue;
        seen.add(e.call.msgUUID);
        const c: PendingCall = { index: e.index, msgUUID: e.call.msgUUID, connUUID: e.call.connUUID, args: e.call.args };
        if (e.ttlMs !== undefined) c.ttlMs = e.ttlMs;
        if (e.ageMs !== undefined) c.ageMs = e.ageMs;
        if (e.expired) c.expired = true;
        out.calls.push(c);
      }
      if (page.entries.length < Math.min(MAX_PAGE, left) || start + page.entries.length >= page.length) break;
    }
    return out;
  }

  /** Watches published messages on a connection of its own until close(). */
  async tap(filter: TapFilter, onMessage: (m: TapMessage) => void): Promise<{ close(): Promise<void> }> {
    this.#open();
    const tap = await openTap(filter, onMessage, {
      spec: { ...this.#spec, name: `${INSPECTOR_NAME}:tap` },
      connectTimeoutMs: this.#o.connectTimeoutMs,
      previewChars: this.#o.previewChars,
      onOp: this.#o.onOp,
      onHealth: this.#o.onHealth,
      onClosed: () => this.#taps.delete(tap),
    });
    this.#taps.add(tap);
    return { close: () => tap.close() };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#taps].map((t) => t.close()));
    await quitOrDrop(this.#client, 1000);
  }
}
