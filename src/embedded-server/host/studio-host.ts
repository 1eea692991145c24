// The Studio host: everything the UI shows, wired together and served through one bridge dispatcher.
// The Studio's own redis (embedded unless --studio-redis gives one), a juggler server, the demo callee,
// the user callees, the Studio's own clients, the data-sync pair, the redis inspector, and the
// trace bus that records all of their traffic. A redis the Studio did not start is only attached
// (attachment.ts): watched, never written to. No Electron here: the desktop shell and the web host
// both use it. The parts that run on their own are started first, as a StudioStack (studio-stack.ts);
// the host is built around it and subscribes to what they report (stack.events).
import type { CalleeInfo, HostInfo, HostStatus, MetricsSample, WatchingSummary } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { BridgeDispatcher, type SessionKey } from '../bridge/dispatcher';
import { RedisBroker } from '../broker/redis/broker';
import { callTimeoutKey } from '../broker/redis/keys';
import { redactUrl } from '../broker/redis/options';
import { Callee } from '../callee/callee';
import type { JugglerServer } from '../server/server';
import type { TraceBus } from '../trace/trace-bus';
import { UserCallees } from '../user-callees/user-callees';
import { type AttachedCallees, HostAttachment } from './attachment';
import { ClientPool } from './client-pool';
import type { EmbeddedRedis } from './embedded-redis';
import { LoadRuns } from './load-runs';
import { buildMethodTable } from './method-table';
import { HostProxies } from './proxies';
import { HostRedisInspection } from './redis-inspection';
import { HostRedisWatch } from './redis-watch';
import { delayedDemoHandlers, type StackFaults, type StudioStack, type StudioStackOptions, startStudioStack } from './studio-stack';
import { SyncAttach } from './sync-attach';
import type { SyncDemo } from './sync-demo';
import type { HostTracer } from './tracer';

export interface StudioHostOptions extends StudioStackOptions {
  mode?: HostInfo['mode'];
  /**
   * A redis the Studio did not start (`--redis`): attached at start, watched only (see attachment.ts).
   * Nothing of the Studio runs there unless callees.serveOnAttached switches the callees on.
   */
  attachRedisUrl?: string;
  /** `attachRedisUrl` is a seed node of a Redis Cluster. */
  attachCluster?: boolean;
}

const version = '0.1.0';

export class StudioHost {
  readonly trace: TraceBus;
  /** What each window following the newest asked for (trace.follow); a closed window's request goes. */
  readonly #traceFollow = new Map<SessionKey, number | undefined>();
  readonly dispatcher: BridgeDispatcher;
  readonly clients: ClientPool;
  readonly redisInspection: HostRedisInspection;
  readonly loads: LoadRuns;
  readonly attachment: HostAttachment;
  readonly proxies: HostProxies;
  /** Sync servers watched or proxied from the Sync view (sync.attach, sync.proxy). */
  readonly syncAttach: SyncAttach;
  readonly watch: HostRedisWatch;
  readonly redisUrl: string;
  readonly embedded: EmbeddedRedis | undefined;
  readonly tracer: HostTracer;
  readonly serverBroker: RedisBroker;
  readonly server: JugglerServer;
  readonly demoBroker: RedisBroker;
  readonly demoCallee: Callee;
  readonly userCallees: UserCallees;
  readonly userCalleesBroker: RedisBroker;
  readonly sync: SyncDemo;
  readonly dataDir: string;
  readonly #faults: StackFaults;
  #redisUp = true;
  #lastRedisError: string | undefined;
  #timers: NodeJS.Timeout[] = [];
  #closed = false;
  readonly startedAt = Date.now();

  /** Builds the host around a started stack (StudioHost.start does both). */
  constructor(
    readonly options: StudioHostOptions,
    stack: StudioStack,
  ) {
    const { tracer, server, sync, redisUrl, embedded } = stack;
    this.redisUrl = redisUrl;
    this.embedded = embedded;
    this.tracer = tracer;
    this.serverBroker = stack.serverBroker;
    this.server = server;
    this.demoBroker = stack.demoBroker;
    this.demoCallee = stack.demoCallee;
    this.userCallees = stack.userCallees;
    this.userCalleesBroker = stack.userCalleesBroker;
    this.sync = sync;
    this.dataDir = stack.dataDir;
    this.#faults = stack.faults;
    this.trace = tracer.bus;
    this.clients = new ClientPool(() => server.url, {
      onClient: (id, client, traceName) => tracer.client(id, client, traceName),
      onConnectFailed: (traceName, url, reason) => tracer.clientConnectFailed(traceName, url, reason),
      // the chain's own account of the timeout ("timeout 150 ms: queued 1 ms, then the callee ran past ...")
      explainExpiry: (uuid) =>
        tracer.bus
          .chain(uuid)
          ?.notes?.find((n) => n.startsWith('timeout '))
          ?.replace(/^timeout [^:]+: /, ''),
      onChange: (list) => this.dispatcher.emit('clients.changed', list),
      onEvent: (ev) => this.dispatcher.emit('clients.event', ev),
    });
    this.loads = new LoadRuns(
      () => server.url,
      (p) => this.dispatcher.emit('load.progress', p),
    );
    this.proxies = new HostProxies(tracer.bus, (list) => this.dispatcher.emit('proxy.changed', list));
    this.redisInspection = new HostRedisInspection({ url: redisUrl, cluster: options.cluster ?? false }, tracer, (m) =>
      this.dispatcher.emit('redis.tap', m),
    );
    this.attachment = new HostAttachment({
      own: { url: redisUrl, embedded: embedded !== undefined },
      redisInspection: this.redisInspection,
      serveCallees: (target) => this.#serveCallees(target),
      onChange: (s) => {
        this.dispatcher.emit('attach.changed', s);
        this.dispatcher.emit('status', this.status());
      },
      log: (level, text) => {
        tracer.log(level, 'attach', text);
        this.log(text);
      },
    });
    this.syncAttach = new SyncAttach({
      demo: sync,
      record: (e) => tracer.bus.record(e),
      onTargets: (targets) => this.dispatcher.emit('sync.targets', targets),
      log: (level, text) => {
        tracer.log(level, 'sync', text);
        this.log(text);
      },
    });
    this.watch = new HostRedisWatch(
      tracer.bus,
      () => this.redisInspection.target.url,
      (st) => this.dispatcher.emit('watch.status', st),
      (level, message) => tracer.log(level, 'watch', message),
    );
    this.dispatcher = new BridgeDispatcher(buildMethodTable(this), (err, method) => this.log(`bridge ${method}: ${err.message}`));
    this.dispatcher.onSessionClosed((session) => this.#traceFollow.delete(session));
    stack.events.on('health', (up, error) => this.#health(up, error));
    stack.events.on('calleeLog', (l) => this.dispatcher.emit('callees.log', l));
    // built only while a UI is attached: it lists every peer
    stack.events.on('syncPeers', () => {
      if (this.dispatcher.sessions > 0) this.dispatcher.emit('sync.overview', this.sync.overview());
    });
    stack.events.on('syncChange', (c) => this.dispatcher.emit('sync.change', c));
    // with no UI attached the batches would be built only to be thrown away by emit()
    tracer.bus.subscribe((batch) => this.dispatcher.emit('trace', batch), {
      intervalMs: 50,
      active: () => this.dispatcher.sessions > 0,
      maxBatch: () => this.traceLiveMaxBatch,
    });
    this.#timers.push(
      setInterval(() => {
        if (this.dispatcher.sessions === 0) return;
        this.dispatcher.emit('status', this.status());
        this.dispatcher.emit('metrics', this.metrics());
      }, 1000),
    );
    for (const t of this.#timers) t.unref();
  }

  static async start(o: StudioHostOptions = {}): Promise<StudioHost> {
    const stack = await startStudioStack(o);
    let host: StudioHost;
    try {
      host = new StudioHost(o, stack);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    if (o.attachRedisUrl) {
      try {
        await host.attachment.attach(o.attachRedisUrl, o.attachCluster ?? false);
      } catch (err) {
        await host.close();
        throw err;
      }
    }
    return host;
  }

  /** Each demo call waits this long before it runs (a fault the UI sets). */
  get calleeDelayMs(): number {
    return this.#faults.calleeDelayMs;
  }

  set calleeDelayMs(ms: number) {
    this.#faults.calleeDelayMs = ms;
  }

  /**
   * Most events per live `trace` batch: the live batch is one frame for every window, so it is cut
   * only while every attached window follows the newest (then to the largest cap asked for); one
   * window that wants every event (paused, filtering, or another client) gets them all.
   */
  get traceLiveMaxBatch(): number | undefined {
    if (this.#traceFollow.size === 0 || this.#traceFollow.size < this.dispatcher.sessions) return undefined;
    let cap = 0;
    for (const m of this.#traceFollow.values()) {
      if (m === undefined) return undefined;
      cap = Math.max(cap, m);
    }
    return cap;
  }

  /** A window's trace.follow: undefined asks for every event again. */
  followTrace(session: SessionKey, maxBatch: number | undefined): void {
    this.#traceFollow.set(session, maxBatch);
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  #health(up: boolean, error?: string): void {
    this.#redisUp = up;
    if (error) this.#lastRedisError = error;
    this.dispatcher.emit('status', this.status());
  }

  info(): HostInfo {
    return {
      version,
      mode: this.options.mode ?? 'library',
      redis: {
        url: redactUrl(this.redisUrl),
        embedded: this.embedded !== undefined,
        cluster: this.options.cluster ?? false,
        ...(this.options.pubsubUrl ? { pubsubUrl: redactUrl(this.options.pubsubUrl) } : {}),
      },
      server: { url: this.server.url, id: this.server.id },
      sync: { url: this.sync.url, generation: 'seed' },
      dataDir: this.dataDir,
      startedAt: this.startedAt,
    };
  }

  status(): HostStatus {
    const user = this.userCallees.list();
    return {
      redis: {
        up: this.#redisUp && this.serverBroker.healthy,
        embedded: this.embedded !== undefined,
        paused: this.embedded !== undefined && !this.embedded.running,
        ...(this.#lastRedisError ? { lastError: this.#lastRedisError } : {}),
      },
      server: { connections: this.server.connections.size, pendingCalls: this.server.router.size },
      callees: {
        total: this.demoCallee.uris.length + user.length,
        running: (this.demoCallee.running ? this.demoCallee.uris.length : 0) + user.filter((h) => h.running).length,
        busy: this.demoCallee.busy,
      },
      trace: this.trace.stats(),
      faults: { calleeDelayMs: this.calleeDelayMs },
      ...(this.attachment?.attached ? { attached: this.attachment.redis() } : {}),
      ...this.#watching(),
    };
  }

  /** The proxies, sync targets and redis watch, for the status bar (absent when there are none). */
  #watching(): { watching?: WatchingSummary } {
    const proxies = this.proxies?.list().map((p) => ({ upstream: redactUrl(p.upstream), open: p.connections.open })) ?? [];
    const syncTargets =
      this.syncAttach?.list().map((t) => ({ url: t.url, kind: t.kind, ...(t.generation ? { generation: t.generation } : {}) })) ?? [];
    const w = this.watch?.status();
    const monitor = w?.running ? { ...(w.url ? { url: w.url } : {}), rate: w.rate, remainingMs: w.remainingMs } : undefined;
    if (proxies.length === 0 && syncTargets.length === 0 && !monitor) return {};
    return { watching: { proxies, syncTargets, ...(monitor ? { monitor } : {}) } };
  }

  metrics(): MetricsSample {
    const callees: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.demoCallee.metrics)) callees[k] = v;
    for (const h of this.userCallees.list()) {
      callees.Requests = (callees.Requests ?? 0) + h.metrics.invocations;
      callees.Failed = (callees.Failed ?? 0) + h.metrics.errors;
      callees.Killed = (callees.Killed ?? 0) + h.metrics.killed;
      callees.Expired = (callees.Expired ?? 0) + h.metrics.expired;
    }
    return {
      at: Date.now(),
      server: { ...this.server.metrics },
      broker: { ...this.serverBroker.metrics },
      callees,
    };
  }

  /** Demo and user callees, for the Callees view. */
  callees(): CalleeInfo[] {
    const demo: CalleeInfo[] = this.demoCallee.uris.map((uri) => {
      const m = this.demoCallee.uriMetrics.get(uri);
      const d = this.tracer.durations(uri);
      return {
        uri,
        kind: 'demo',
        running: this.demoCallee.running,
        metrics: {
          invocations: m?.Requests ?? 0,
          errors: m?.Failed ?? 0,
          expired: m?.Expired ?? 0,
          killed: 0,
          avgMs: d.avgMs,
          p95Ms: d.p95Ms,
        },
      };
    });
    const user: CalleeInfo[] = this.userCallees.list().map((h) => ({
      uri: h.uri,
      kind: 'user',
      running: h.running,
      language: h.language,
      source: h.source,
      version: h.version,
      updatedAt: Date.parse(h.updatedAt),
      metrics: {
        invocations: h.metrics.invocations,
        errors: h.metrics.errors,
        expired: h.metrics.expired,
        killed: h.metrics.killed,
        avgMs: h.metrics.avgMs,
        p95Ms: h.metrics.p95Ms,
      },
    }));
    return [...demo, ...user];
  }

  /** Starts or stops the demo callee (all its URIs) or one user callee. */
  async setCalleeRunning(uri: string, run: boolean): Promise<CalleeInfo> {
    if (this.demoCallee.uris.includes(uri)) {
      if (run) this.demoCallee.start();
      else await this.demoCallee.stop();
    } else {
      if (!this.userCallees.list().some((h) => h.uri === uri)) throw new BridgeError(BridgeErrorCode.NotFound, `no callee serves ${uri}`);
      if (run) await this.userCallees.start(uri);
      else await this.userCallees.stop(uri);
    }
    this.dispatcher.emit('callees.changed', this.callees());
    return this.callees().find((c) => c.uri === uri)!;
  }

  /** Lets a pending call's TTL lapse now (PEXPIRE 1 on its timeout key): its callee finds it expired. */
  async expireCall(uri: string, msgUUID: string): Promise<boolean> {
    // the Redis view offers it on the calls it shows: those of the attached redis while one is attached
    this.attachment.assertWritable("letting a call's TTL lapse");
    const done = await this.serverBroker.expireCall(uri, msgUUID);
    this.tracer.log('info', 'fault', `let the TTL of ${callTimeoutKey(uri, msgUUID)} lapse (${done ? 'done' : 'no such pending call'})`);
    return done;
  }

  async pauseRedis(pause: boolean): Promise<HostStatus> {
    this.attachment.assertWritable(pause ? 'pausing redis' : 'resuming redis');
    if (!this.embedded) {
      throw new BridgeError(
        BridgeErrorCode.NotSupported,
        'the Studio can only pause the redis it started itself; this one was given with --studio-redis',
      );
    }
    if (pause) await this.embedded.pause();
    else await this.embedded.resume();
    this.tracer.log('warn', 'fault', pause ? 'embedded redis stopped (outage on demand)' : 'embedded redis restarted');
    return this.status();
  }

  /**
   * The demo callee and the user callees (as saved now) on another redis: what callees.serveOnAttached
   * switches on. Their own brokers, named `studio-*-attached` in CLIENT LIST, traced as callees.
   */
  async #serveCallees(target: { url: string; cluster: boolean }): Promise<AttachedCallees> {
    const opts = (name: string) => ({
      url: target.url,
      cluster: target.cluster,
      clientName: name,
      onOp: this.tracer.redisOps('callee'),
      onHealth: (ev: { connection: string; up: boolean; error?: string }) =>
        this.tracer.log(
          ev.up ? 'info' : 'warn',
          'attach',
          `attached redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable: ${ev.error}`}`,
        ),
    });
    const stops: (() => Promise<unknown>)[] = [];
    const stop = async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    };
    try {
      const demoBroker = await RedisBroker.connect(opts('studio-demo-attached'));
      stops.push(() => demoBroker.close());
      const demo = new Callee({
        broker: demoBroker,
        handlers: delayedDemoHandlers(() => this.calleeDelayMs),
        workers: this.options.demoWorkers ?? 10,
        onInvocation: this.tracer.calleeInvocations('demo'),
        onError: (e) => this.log(`demo callee (attached redis): ${e.message}`),
      });
      if (this.demoCallee.running) demo.start();
      stops.push(() => demo.stop());
      const userBroker = await RedisBroker.connect(opts('studio-user-callees-attached'));
      stops.push(() => userBroker.close());
      const user = await UserCallees.open({
        broker: userBroker,
        dataDir: this.dataDir,
        limits: this.options.userCalleeLimits,
        onInvocation: this.tracer.userCalleeInvocations(),
        onError: (e) => this.log(`user callees (attached redis): ${e.message}`),
      });
      stops.push(() => user.close());
    } catch (err) {
      await stop();
      throw err;
    }
    return { stop };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.loads.stopAll();
    await this.attachment.close();
    await this.syncAttach.close();
    await this.clients.closeAll();
    await this.proxies.closeAll();
    this.watch.close();
    await this.redisInspection.close();
    await this.server.close();
    await Promise.allSettled([this.demoCallee.stop(), this.userCallees.close(), this.sync.close()]);
    await Promise.allSettled([this.serverBroker.close(), this.demoBroker.close(), this.userCalleesBroker.close()]);
    await this.trace.close();
    await this.embedded?.stop();
  }
}
