// The redis watch: MONITOR on every master of a redis (one node, or each master of a cluster, found
// with INFO cluster and CLUSTER NODES), each line parsed (monitor-line.ts) and translated into juggler
// operations (translate.ts), the sending clients named from CLIENT LIST (read every few seconds), the
// command rate counted. It stops by itself after `limitMs` (MONITOR costs redis throughput: every
// command is also written to the watch) or when asked.
//
// It writes nothing: it sends MONITOR, CLIENT SETNAME (connection state, not data), CLIENT LIST,
// INFO and CLUSTER NODES, and the AUTH a URL asks for. A test proves it with INFO commandstats.
import Redis from 'ioredis';
import type { RedisWatchStatus } from '../../shared/watch';
import { WatchError } from './errors';
import { MonitorConnection } from './monitor-connection';
import { parseMonitorLine } from './monitor-line';
import { Translator, type WatchedOp } from './translate';
import { wallClockOffsetMs } from './wall-clock';

export type { RedisWatchStatus, WatchNodeStatus } from '../../shared/watch';

/** Default time limit: 5 minutes. */
export const DEFAULT_WATCH_LIMIT_MS = 5 * 60_000;
/** Longest limit accepted: 24 hours. */
export const MAX_WATCH_LIMIT_MS = 24 * 60 * 60_000;

export interface RedisWatchOptions {
  /** redis://[user:pass@]host:port (any node of a cluster) */
  url: string;
  /** Stops after this long, ms. Default 5 minutes. */
  limitMs?: number;
  tlsCa?: Buffer;
  /** How often CLIENT LIST is read to name clients, ms. Default 2000. */
  clientListIntervalMs?: number;
  /** Per node: lines held for processing at most (see MonitorConnection). */
  maxQueuedLines?: number;
  /**
   * Operations seen on `node`. `at` maps redis' clock to performance.now() (redis' clock read as ours,
   * unless they differ by more than a second: see #watchNode).
   */
  onOps: (node: string, ops: WatchedOp[], at: (timeMs: number) => number) => void;
  /** The watch stopped: `reason` says why (limit, stopped, or the error). */
  onStop?: (reason: string) => void;
}

interface NodeWatch {
  node: string;
  mon: MonitorConnection;
  list: Redis;
  translator: Translator;
  names: Map<string, string>;
  offset: number;
}

function nodeUrl(seed: URL, hostPort: string): string {
  const u = new URL(seed.toString());
  const i = hostPort.lastIndexOf(':');
  u.hostname = hostPort.slice(0, i);
  u.port = hostPort.slice(i + 1);
  return u.toString();
}

function listClient(url: string, tlsCa?: Buffer): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (n) => Math.min(200 * n, 2000),
    connectionName: 'juggler-studio:watch-clients',
    protocol: 2,
    ...(tlsCa && url.startsWith('rediss:') ? { tls: { ca: tlsCa } } : {}),
  });
}

/** The masters of a cluster (`host:port`), from CLUSTER NODES; undefined when cluster mode is off. */
async function clusterMasters(r: Redis): Promise<string[] | undefined> {
  const info = (await r.info('cluster')) as string;
  if (!/cluster_enabled:1/.test(info)) return undefined;
  const text = (await r.call('CLUSTER', 'NODES')) as string;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 8 || !f[2]!.split(',').includes('master') || f[2]!.includes('fail')) continue;
    out.push(f[1]!.split('@')[0]!);
  }
  return out;
}

export class RedisWatch {
  readonly #o: RedisWatchOptions;
  readonly #nodes: NodeWatch[] = [];
  readonly limitMs: number;
  readonly startedAt = Date.now();
  #running = true;
  #stoppedReason: string | undefined;
  #timers: NodeJS.Timeout[] = [];
  #parseErrors = 0;
  #lastParseError: string | undefined;
  #ops = 0;
  #rate = 0;
  #lastCount = 0;

  private constructor(o: RedisWatchOptions) {
    this.#o = o;
    this.limitMs = o.limitMs ?? DEFAULT_WATCH_LIMIT_MS;
  }

  /** Connects to every master and starts MONITOR on each; rejects with a WatchError. */
  static async start(o: RedisWatchOptions): Promise<RedisWatch> {
    const limit = o.limitMs ?? DEFAULT_WATCH_LIMIT_MS;
    if (!Number.isFinite(limit) || limit <= 0 || limit > MAX_WATCH_LIMIT_MS)
      throw new WatchError('INVALID_ARGUMENT', `the watch's time limit must be between 1 ms and 24 h (got ${limit} ms)`);
    let seed: URL;
    try {
      seed = new URL(o.url);
    } catch {
      throw new WatchError('INVALID_ARGUMENT', `not a redis URL: ${o.url} (expected redis://host:port)`);
    }
    const w = new RedisWatch(o);
    const probe = listClient(o.url, o.tlsCa);
    probe.on('error', () => undefined);
    let masters: string[] | undefined;
    try {
      await probe.connect();
      masters = await clusterMasters(probe);
    } catch (err) {
      probe.disconnect();
      throw new WatchError('UNAVAILABLE', `cannot reach redis at ${seed.host}: ${(err as Error).message}`, { cause: err });
    }
    probe.disconnect();
    const urls = masters ? masters.map((m) => nodeUrl(seed, m)) : [o.url];
    try {
      for (const url of urls) await w.#watchNode(url);
    } catch (err) {
      w.stop(`failed: ${(err as Error).message}`);
      throw err;
    }
    w.#timers.push(setTimeout(() => w.stop(`time limit reached (${Math.round(w.limitMs / 1000)} s)`), w.limitMs));
    w.#timers.push(
      setInterval(() => {
        const c = w.#commands();
        w.#rate = c - w.#lastCount;
        w.#lastCount = c;
      }, 1000),
    );
    w.#timers.push(setInterval(() => void w.#readClients(), o.clientListIntervalMs ?? 2000));
    for (const t of w.#timers) t.unref();
    return w;
  }

  async #watchNode(url: string): Promise<void> {
    const node = new URL(url).host;
    const names = new Map<string, string>();
    const translator = new Translator({ nameOf: (a) => names.get(a) });
    const list = listClient(url, this.#o.tlsCa);
    list.on('error', () => undefined);
    const n: Partial<NodeWatch> = { node, list, translator, names, offset: Number.POSITIVE_INFINITY };
    try {
      await list.connect();
    } catch (err) {
      list.disconnect();
      throw new WatchError('UNAVAILABLE', `cannot reach redis at ${node}: ${(err as Error).message}`, { cause: err });
    }
    await this.#readClientsOf(n as NodeWatch);
    const ops: WatchedOp[] = [];
    const at = (timeMs: number) => timeMs + n.offset!;
    const opened = MonitorConnection.open({
      url,
      tlsCa: this.#o.tlsCa,
      maxQueuedLines: this.#o.maxQueuedLines,
      onLine: (line, receivedAt) => {
        let c: ReturnType<typeof parseMonitorLine>;
        try {
          c = parseMonitorLine(line);
        } catch (err) {
          this.#parseErrors++;
          this.#lastParseError = (err as Error).message;
          return;
        }
        if (n.offset === Number.POSITIVE_INFINITY) {
          // one fixed mapping per node, so that the order of its commands is kept: redis' clock read as
          // ours (the same machine, or synchronised clocks), unless the first line says the clocks differ
          // by more than a second, then that line's delay is taken as none
          const clock = wallClockOffsetMs();
          const wall = c.timeMs - clock;
          n.offset = Math.abs(receivedAt - wall) > 1000 ? receivedAt - c.timeMs : -clock;
        }
        // and never later than the line reached us: a command cannot be seen before redis ran it. The
        // mapping only moves earlier, by what the reading of the clocks was off (the process descheduled
        // while it read them), so the order of the node's commands is kept
        if (receivedAt - c.timeMs < n.offset!) n.offset = receivedAt - c.timeMs;
        translator.translate(c, ops);
        if (ops.length > 0) this.#emit(node, ops, at);
      },
      // the pops a push revealed are known once the command after it is seen; with nothing after it,
      // they are reported when the stream goes quiet rather than at the next command
      onIdle: () => {
        translator.flush(ops);
        if (ops.length > 0) this.#emit(node, ops, at);
      },
      onClose: (err) => {
        if (err && this.#running && n.mon) this.stop(`failed: ${err.message}`);
      },
    });
    try {
      n.mon = await opened;
    } catch (err) {
      list.disconnect();
      throw err;
    }
    this.#nodes.push(n as NodeWatch);
  }

  #emit(node: string, ops: WatchedOp[], at: (timeMs: number) => number): void {
    this.#ops += ops.length;
    const batch = ops.splice(0);
    this.#o.onOps(node, batch, at);
  }

  async #readClientsOf(n: NodeWatch): Promise<void> {
    try {
      // redis' time when the list is taken, as far as the node's clock mapping tells (a margin for the
      // round trip): waits that began after it belong to clients the list may not show yet
      const listedAtMs = Number.isFinite(n.offset) ? performance.now() - n.offset - 100 : Number.NEGATIVE_INFINITY;
      const text = (await n.list.call('CLIENT', 'LIST')) as string;
      const addrs = new Set<string>();
      n.names.clear();
      for (const line of text.split('\n')) {
        const addr = /(?:^| )addr=(\S+)/.exec(line)?.[1];
        if (!addr) continue;
        addrs.add(addr);
        const name = /(?:^| )name=(\S+)/.exec(line)?.[1];
        if (name) n.names.set(addr, name);
      }
      n.translator.keepClients(addrs, listedAtMs);
      // pops the last commands revealed are not held back until the next line
      const ops: WatchedOp[] = [];
      n.translator.flush(ops);
      if (ops.length > 0) this.#emit(n.node, ops, (t) => t + n.offset);
    } catch {
      // redis busy or away: names stay as they were; MONITOR's own connection reports an outage
    }
  }

  async #readClients(): Promise<void> {
    await Promise.all(this.#nodes.map((n) => this.#readClientsOf(n)));
  }

  #commands(): number {
    return this.#nodes.reduce((s, n) => s + n.mon.stats.lines, 0);
  }

  get running(): boolean {
    return this.#running;
  }

  status(): RedisWatchStatus {
    const nodes = this.#nodes.map((n) => ({
      node: n.node,
      commands: n.mon.stats.lines,
      dropped: n.mon.stats.dropped,
      queued: n.mon.stats.queued,
    }));
    return {
      running: this.#running,
      nodes,
      commands: nodes.reduce((s, n) => s + n.commands, 0),
      rate: this.#running ? this.#rate : 0,
      dropped: nodes.reduce((s, n) => s + n.dropped, 0) + this.#nodes.reduce((s, n) => s + n.translator.stats.forgotten, 0),
      parseErrors: this.#parseErrors,
      ...(this.#lastParseError ? { lastParseError: this.#lastParseError } : {}),
      ops: this.#ops,
      limitMs: this.limitMs,
      startedAt: this.startedAt,
      remainingMs: this.#running ? Math.max(0, this.startedAt + this.limitMs - Date.now()) : 0,
      ...(this.#stoppedReason ? { stoppedReason: this.#stoppedReason } : {}),
    };
  }

  /** Stops MONITOR on every node. */
  stop(reason = 'stopped'): void {
    if (!this.#running) return;
    this.#running = false;
    this.#stoppedReason = reason;
    for (const t of this.#timers) clearTimeout(t);
    for (const n of this.#nodes) {
      n.mon?.close();
      n.list.disconnect();
    }
    this.#o.onStop?.(reason);
  }
}
