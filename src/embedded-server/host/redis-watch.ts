// The host's redis watch (bridge namespace `watch.*`): one RedisWatch at a time, on the redis the
// inspector shows unless the UI names another, its operations recorded on the trace bus as `watch`
// redis events (placed at redis' own time, so they fold into chains beside frames), its status sent
// to the UI every second while it runs and once when it stops.
import type { WatchStatus } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { redactUrl } from '../broker/redis/options';
import type { TraceBus } from '../trace/trace-bus';
import { WatchError } from '../watch/errors';
import { DEFAULT_WATCH_LIMIT_MS, RedisWatch } from '../watch/redis-watch';
import type { WatchedOp } from '../watch/translate';

const idle: WatchStatus = {
  running: false,
  nodes: [],
  commands: 0,
  rate: 0,
  dropped: 0,
  parseErrors: 0,
  ops: 0,
  limitMs: DEFAULT_WATCH_LIMIT_MS,
  startedAt: 0,
  remainingMs: 0,
};

export class HostRedisWatch {
  #watch: RedisWatch | undefined;
  #url: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: TraceBus,
    /** The redis the inspector shows: the default target. */
    private readonly defaultUrl: () => string,
    private readonly emit: (s: WatchStatus) => void,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {}

  status(): WatchStatus {
    if (!this.#watch) return { ...idle };
    return { ...this.#watch.status(), ...(this.#url ? { url: this.#url } : {}) };
  }

  async start(p: { url?: string; limitMs?: number }): Promise<WatchStatus> {
    if (this.#watch?.running)
      throw new BridgeError(BridgeErrorCode.Failed, `watch.start: a watch is already running on ${this.#url}; stop it first`);
    const url = p.url ?? this.defaultUrl();
    let w: RedisWatch;
    try {
      w = await RedisWatch.start({
        url,
        limitMs: p.limitMs,
        onOps: (node, ops, at) => this.#record(node, ops, at),
        onStop: (reason) => {
          if (this.#timer) clearInterval(this.#timer);
          this.#timer = undefined;
          this.log(reason.startsWith('failed') ? 'warn' : 'info', `redis watch on ${this.#url} stopped: ${reason}`);
          this.emit(this.status());
        },
      });
    } catch (err) {
      const code = err instanceof WatchError && err.code === 'INVALID_ARGUMENT' ? BridgeErrorCode.BadParams : BridgeErrorCode.Failed;
      throw new BridgeError(code, `watch.start: ${(err as Error).message}`);
    }
    this.#watch = w;
    this.#url = redactUrl(url);
    this.log('info', `redis watch (MONITOR) started on ${this.#url} for ${Math.round(w.limitMs / 1000)} s`);
    this.#timer = setInterval(() => this.emit(this.status()), 1000);
    this.#timer.unref();
    const s = this.status();
    this.emit(s);
    return s;
  }

  stop(): WatchStatus {
    this.#watch?.stop('stopped by the user');
    return this.status();
  }

  close(): void {
    this.#watch?.stop('the Studio is closing');
  }

  #record(node: string, ops: WatchedOp[], at: (timeMs: number) => number): void {
    recordWatchedOps(this.bus, node, ops, at);
  }
}

/**
 * Records the watch's operations on the bus as `watch` redis events, at redis' time (`at` maps it to
 * performance.now()): a pop is learnt of after the push that served it, a TTL check can come before the
 * pop line of a callee that waited since before the watch started.
 */
export function recordWatchedOps(bus: TraceBus, node: string, ops: readonly WatchedOp[], at: (timeMs: number) => number): void {
  if (!bus.enabled) return;
  for (const op of ops) {
    bus.record(
      {
        kind: 'redis',
        role: 'watch',
        command: op.command,
        key: op.key,
        size: op.size,
        durationMs: 0,
        node,
        db: op.db,
        ...(op.corr !== undefined ? { corr: op.corr } : {}),
        ...(op.client !== undefined ? { client: op.client } : {}),
        ...(op.ttlMs !== undefined ? { ttlMs: op.ttlMs } : {}),
        ...(op.resultError !== undefined ? { resultError: op.resultError } : {}),
      },
      bus.toT(at(op.timeMs)),
    );
  }
}
