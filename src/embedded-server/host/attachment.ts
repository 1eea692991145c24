// The redis the Studio is attached to: a system it did not start (`--redis URL`, attach.redis, or a
// redis chosen in the Redis view). Attaching only points the inspector at it: the inspector reads, it
// never writes a key, pops a list or registers a callee (issue 12: a debugger must not change the
// system under test). The Studio's own stack (server, demo and user callees, playground clients)
// keeps running on its own redis. Callees serve the attached redis only after an explicit switch with
// confirm: they would then take that system's calls.
import type { AttachedRedis, AttachStatus } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { redactUrl } from '../broker/redis/options';
import type { HostRedisInspection } from './redis-inspection';

/** Callees serving an attached redis; stop() ends them and closes their redis connections. */
export interface AttachedCallees {
  stop(): Promise<void>;
}

export interface AttachmentOptions {
  /** The Studio's own redis: attaching it is the same as detaching. */
  own: { url: string; embedded: boolean };
  redisInspection: HostRedisInspection;
  /** Starts the demo and user callees on another redis (the host knows how it builds them). */
  serveCallees: (target: { url: string; cluster: boolean }) => Promise<AttachedCallees>;
  onChange: (s: AttachStatus) => void;
  log: (level: 'info' | 'warn', text: string) => void;
}

function sameRedis(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    const db = (u: URL) => u.pathname.replace(/^\//, '') || '0';
    const host = (h: string) => (h === 'localhost' ? '127.0.0.1' : h);
    return host(x.hostname) === host(y.hostname) && (x.port || '6379') === (y.port || '6379') && db(x) === db(y);
  } catch {
    return a === b;
  }
}

export class HostAttachment {
  #redis: { url: string; cluster: boolean; since: number } | undefined;
  #callees: AttachedCallees | undefined;
  /** attach, detach and the switch run one after the other: a half-done switch must not be seen. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: AttachmentOptions) {}

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(fn, fn);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  get attached(): boolean {
    return this.#redis !== undefined;
  }

  /** The attached redis with its credentials, to connect to it (the redis watch); never to be shown. */
  target(): { url: string; cluster: boolean } | undefined {
    return this.#redis ? { url: this.#redis.url, cluster: this.#redis.cluster } : undefined;
  }

  /** For the status bar (HostStatus.attached). */
  redis(): AttachedRedis | undefined {
    const r = this.#redis;
    if (!r) return undefined;
    return { url: redactUrl(r.url), cluster: r.cluster, since: r.since, servingCallees: this.#callees !== undefined };
  }

  status(): AttachStatus {
    return { own: { url: redactUrl(this.o.own.url), embedded: this.o.own.embedded }, redis: this.redis() ?? null };
  }

  /** Watches `url`: the inspector shows it. Attaching the Studio's own redis detaches instead. */
  attach(url: string, cluster: boolean): Promise<AttachStatus> {
    return this.#serial(async () => {
      if (sameRedis(url, this.o.own.url)) return this.#detach();
      // the one attached already: nothing to change (callees switched on there keep serving)
      if (this.#redis && sameRedis(url, this.#redis.url) && cluster === this.#redis.cluster) return this.status();
      await this.#stopCallees();
      // the inspector connects first: a redis that cannot be reached leaves the previous attachment
      await this.o.redisInspection.retarget(url, cluster);
      this.#redis = { url, cluster, since: Date.now() };
      this.o.log('info', `attached ${redactUrl(url)}${cluster ? ' (cluster)' : ''}: watching only, nothing is written to it`);
      return this.#changed();
    });
  }

  detach(): Promise<AttachStatus> {
    return this.#serial(() => this.#detach());
  }

  async #detach(): Promise<AttachStatus> {
    await this.#stopCallees();
    const was = this.#redis;
    this.#redis = undefined;
    await this.o.redisInspection.retarget(null, false);
    if (was) this.o.log('info', `detached ${redactUrl(was.url)}`);
    return this.#changed();
  }

  /** Switches the demo and user callees on (with confirm) or off on the attached redis. */
  serveOnAttached(on: boolean, confirm: boolean): Promise<AttachStatus> {
    return this.#serial(async () => {
      const r = this.#redis;
      if (!on) {
        await this.#stopCallees();
        return this.#changed();
      }
      if (!r) throw new BridgeError(BridgeErrorCode.NotSupported, "no redis is attached: the callees already serve the Studio's own redis");
      if (!confirm)
        throw new BridgeError(
          BridgeErrorCode.ConfirmRequired,
          `serving the Studio's callees on ${redactUrl(r.url)} makes them take that system's calls (they compete with its own callees): repeat with confirm: true`,
        );
      if (this.#callees) return this.status();
      try {
        this.#callees = await this.o.serveCallees({ url: r.url, cluster: r.cluster });
      } catch (err) {
        throw new BridgeError(BridgeErrorCode.Failed, `cannot serve callees on ${redactUrl(r.url)}: ${(err as Error).message}`);
      }
      this.o.log('warn', `the Studio's callees now serve ${redactUrl(r.url)}: they take that system's calls`);
      return this.#changed();
    });
  }

  /**
   * Throws READ_ONLY when the inspector shows an attached redis: `what` (a fault, say) would write to
   * a system the Studio only watches.
   */
  assertWritable(what: string): void {
    const r = this.#redis;
    if (!r) return;
    throw new BridgeError(
      BridgeErrorCode.ReadOnly,
      `${what} is refused: ${redactUrl(r.url)} is attached and the Studio only watches it (nothing is written to it); detach to use it on the Studio's own redis`,
      { attached: redactUrl(r.url) },
    );
  }

  async #stopCallees(): Promise<void> {
    const c = this.#callees;
    if (!c) return;
    this.#callees = undefined;
    await c.stop();
    if (this.#redis) this.o.log('info', `the Studio's callees stopped serving ${redactUrl(this.#redis.url)}`);
  }

  #changed(): AttachStatus {
    const s = this.status();
    this.o.onChange(s);
    return s;
  }

  async close(): Promise<void> {
    await this.#serial(() => this.#stopCallees());
  }
}
