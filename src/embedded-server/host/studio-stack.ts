// The parts of the Studio that run before a UI can ask for anything, started in order by one function:
// the Studio's own redis (embedded unless one is given), the juggler server, the demo callee, the
// user callees and the data-sync pair, all traced by one HostTracer. This is where the broker
// implementation is chosen (redis); each part takes only the broker roles it needs. What the parts
// report while they run (redis health, a callee's log line, sync changes) goes through `events`, so
// that the host, built afterwards from the stack, subscribes to it instead of being referenced before
// it exists. A part that fails to start stops the ones started before it.
import type { CalleeLog, SyncChange } from '../../shared/bridge/contract';
import { Emitter } from '../../shared/emitter';
import { RedisBroker } from '../broker/redis/broker';
import { Callee, type Thunk } from '../callee/callee';
import { demoHandlers } from '../callee/demo';
import { JugglerServer } from '../server/server';
import { TraceBus } from '../trace/trace-bus';
import type { UserCalleeLimits } from '../user-callees/limits';
import { UserCallees } from '../user-callees/user-callees';
import { defaultDataDir } from './data-dir';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis';
import { SyncDemo } from './sync-demo';
import type { SyncHistoryLimits } from './sync-history';
import { HostTracer } from './tracer';

export interface StudioStackOptions {
  /**
   * The redis the Studio's own stack runs on and writes to (`--studio-redis`); default: a private
   * redis-server started (and stopped) by the host. `pubsubUrl` and `cluster` are about this one.
   */
  studioRedisUrl?: string;
  pubsubUrl?: string;
  cluster?: boolean;
  /** Where the juggler server listens. Default 127.0.0.1 on a free port. */
  serverHost?: string;
  serverPort?: number;
  /** Callee handlers and settings. Default: the platform's config dir (see data-dir.ts). */
  dataDir?: string;
  /** Trace events held. Default 1,000,000. */
  traceCapacity?: number;
  /** Limits of user callees (time per call, memory, workers); see user-callees/limits.ts. */
  userCalleeLimits?: Partial<UserCalleeLimits>;
  /** Demo callee workers. Default 10. */
  demoWorkers?: number;
  /** Bounds of the sync history (changes per replica, patch text); defaults in host/sync-history.ts. */
  syncHistory?: Partial<SyncHistoryLimits>;
  /** Host log lines (redis health, errors no client saw). */
  log?: (line: string) => void;
}

/** What the parts of the stack report while they run. */
export type StudioStackEventMap = {
  /** A connection of the Studio's redis went down or came back. */
  health: [up: boolean, error: string | undefined];
  /** A line a user callee logged. */
  calleeLog: [log: CalleeLog];
  /** Sync peers came, closed, were pinned or forgotten (at most one per 100 ms). */
  syncPeers: [];
  syncChange: [change: SyncChange];
};

/** The stack's events: raised by the parts, listened to by the host. */
export class StudioStackEvents extends Emitter<StudioStackEventMap> {
  raise<K extends keyof StudioStackEventMap>(event: K, ...args: StudioStackEventMap[K]): void {
    this.emit(event, ...args);
  }
}

/** Faults the host sets that running parts read. */
export interface StackFaults {
  /** Each demo call waits this long before it runs. */
  calleeDelayMs: number;
}

export interface StudioStack {
  readonly redisUrl: string;
  /** The redis-server the stack started, when none was given. */
  readonly embedded: EmbeddedRedis | undefined;
  readonly tracer: HostTracer;
  readonly serverBroker: RedisBroker;
  readonly server: JugglerServer;
  readonly demoBroker: RedisBroker;
  readonly demoCallee: Callee;
  readonly userCalleesBroker: RedisBroker;
  readonly userCallees: UserCallees;
  readonly sync: SyncDemo;
  readonly dataDir: string;
  readonly events: StudioStackEvents;
  readonly faults: StackFaults;
  /** Stops every part, the last started first, and the embedded redis. */
  stop(): Promise<void>;
}

/** Starts the parts in order; when one fails, those already started are stopped and the error rethrown. */
export async function startStudioStack(o: StudioStackOptions = {}): Promise<StudioStack> {
  const log = o.log ?? (() => undefined);
  const events = new StudioStackEvents();
  const faults: StackFaults = { calleeDelayMs: 0 };
  const tracer = new HostTracer(new TraceBus({ capacity: o.traceCapacity }));
  const embedded = o.studioRedisUrl ? undefined : await startEmbeddedRedis();
  const redisUrl = o.studioRedisUrl ?? embedded!.url;
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
    await embedded?.stop();
  };
  const onHealth = (ev: { connection: string; up: boolean; error?: string }) => {
    events.raise('health', ev.up, ev.error);
    tracer.log(ev.up ? 'info' : 'warn', 'redis', `${ev.connection} ${ev.up ? 'is back' : `is unavailable: ${ev.error}`}`);
    log(`redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable (${ev.error})`}`);
  };
  const brokerOpts = (role: 'server' | 'callee', name: string) => ({
    url: redisUrl,
    pubsubUrl: o.pubsubUrl,
    cluster: o.cluster,
    clientName: name,
    onHealth,
    onOp: tracer.redisOps(role),
  });
  try {
    const serverBroker = await RedisBroker.connect(brokerOpts('server', 'studio-server'));
    stops.push(() => serverBroker.close());
    const server = new JugglerServer({
      broker: serverBroker,
      hooks: { ...tracer.serverHooks(), onError: (e) => log(`server: ${e.message}`) },
    });
    await server.listen({ host: o.serverHost ?? '127.0.0.1', port: o.serverPort ?? 0 });
    stops.push(() => server.close());

    const demoBroker = await RedisBroker.connect(brokerOpts('callee', 'studio-demo'));
    stops.push(() => demoBroker.close());
    const demoCallee = new Callee({
      broker: demoBroker,
      handlers: delayedDemoHandlers(() => faults.calleeDelayMs),
      workers: o.demoWorkers ?? 10,
      onInvocation: tracer.calleeInvocations('demo'),
      onError: (e) => log(`demo callee: ${e.message}`),
    });
    demoCallee.start();
    stops.push(() => demoCallee.stop());

    const dataDir = o.dataDir ?? defaultDataDir();
    const userCalleesBroker = await RedisBroker.connect(brokerOpts('callee', 'studio-user-callees'));
    stops.push(() => userCalleesBroker.close());
    const userCallees = await UserCallees.open({
      broker: userCalleesBroker,
      dataDir,
      limits: o.userCalleeLimits,
      onInvocation: tracer.userCalleeInvocations(),
      onLog: (l) => {
        tracer.log(l.level === 'error' ? 'error' : l.level === 'warn' ? 'warn' : 'info', `callee ${l.uri}`, l.text);
        events.raise('calleeLog', {
          uri: l.uri,
          level: l.level === 'error' ? 'error' : l.level === 'warn' ? 'warn' : 'log',
          message: l.text,
          at: l.at,
        });
      },
      onError: (e) => log(`user callees: ${e.message}`),
    });
    stops.push(() => userCallees.close());

    const sync = await SyncDemo.start({
      history: o.syncHistory,
      onPeers: () => events.raise('syncPeers'),
      onChange: (c) => {
        tracer.syncChange(c);
        events.raise('syncChange', c);
      },
      onFrame: (peerId, dir, text) => tracer.syncFrame(peerId, dir, text),
    });
    stops.push(() => sync.close());

    return {
      redisUrl,
      embedded,
      tracer,
      serverBroker,
      server,
      demoBroker,
      demoCallee,
      userCalleesBroker,
      userCallees,
      sync,
      dataDir,
      events,
      faults,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The demo handlers, each run delayed by the callee-delay fault in force. */
export function delayedDemoHandlers(delayMs: () => number): Record<string, Thunk> {
  const delayed: Record<string, Thunk> = {};
  for (const [uri, fn] of Object.entries(demoHandlers)) {
    delayed[uri] = async (args, ctx) => {
      const ms = delayMs();
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      return fn(args, ctx);
    };
  }
  return delayed;
}
