// The bridge contract: every method the UI can call on the host and every event the host pushes.
// One type; the host's dispatcher implements exactly this table, and Electron IPC and the web-mode
// websocket carry the same frames. No node:*, no DOM: the renderer and the host both import it.
import type { Chain, TraceEvent, TraceKind, TraceStats } from '../trace/events';
import type { TraceBatch } from '../trace/trace-batch';

// ---- data shapes ---------------------------------------------------------------------------------

export interface HostInfo {
  version: string;
  mode: 'electron' | 'web' | 'library';
  redis: { url: string; embedded: boolean; cluster: boolean; pubsubUrl?: string };
  server: { url: string; id: string };
  sync: { url: string; generation: 'seed' | '0.6' | '0.7' };
  dataDir: string;
  startedAt: number;
}

export interface HostStatus {
  redis: { up: boolean; embedded: boolean; paused: boolean; lastError?: string };
  server: { connections: number; pendingCalls: number };
  callees: { total: number; running: number; busy: number };
  trace: TraceStats;
  /** Faults in force (see fault.*). */
  faults: { calleeDelayMs: number };
  /** The redis attached with --redis or attach.redis, if any: watched only unless callees serve there. */
  attached?: AttachedRedis;
  /** The other systems the Studio watches besides an attached redis (the status bar lists them). */
  watching?: WatchingSummary;
}

/** What the status bar says of the systems the Studio watches without owning them. */
export interface WatchingSummary {
  /** Recording juggler.0 proxies: upstream (redacted) and open connections. */
  proxies: { upstream: string; open: number }[];
  /** Sync servers attached or proxied: URL (redacted), how, generation when known. */
  syncTargets: { url: string; kind: 'attach' | 'proxy'; generation?: string }[];
  /** The redis watch (MONITOR) while it runs. */
  monitor?: { url?: string; rate: number; remainingMs: number };
}

/** A redis the Studio did not start, attached to be watched (see attach.*). */
export interface AttachedRedis {
  /** Redacted: no password. */
  url: string;
  cluster: boolean;
  /** Date.now() when attached. */
  since: number;
  /** The demo and user callees also serve there (switched on with callees.serveOnAttached). */
  servingCallees: boolean;
}

export interface AttachStatus {
  /** The redis the Studio's own stack runs on (redacted); it is never an attached one. */
  own: { url: string; embedded: boolean };
  redis: AttachedRedis | null;
}

export interface ClientInfo {
  clientId: string;
  name: string;
  url: string;
  state: 'connecting' | 'open' | 'closed';
  subscriptions: { channel: string; pattern: boolean }[];
  pendingCalls: number;
  closeCode?: number;
  closeReason?: string;
}

export interface CallOutcome {
  uuid: string;
  ok: boolean;
  /** The RES args (parsed) when ok. */
  result?: unknown;
  /** NACK, callee error result, expiry or a closed connection. */
  error?: {
    code: string;
    message: string;
    nackCode?: number;
    result?: unknown;
    /** For an expiry: the timeout that lapsed, and where the time went as far as the Studio saw it. */
    timeoutMs?: number;
    detail?: string;
  };
  latencyMs: number;
}

export interface ClientEvent {
  clientId: string;
  /** The PUB's uuid. */
  for: string;
  channel: string;
  pattern?: string;
  args: unknown;
  at: number;
}

export interface CalleeMetricsSummary {
  invocations: number;
  errors: number;
  expired: number;
  killed: number;
  avgMs: number;
  p95Ms: number;
}

export interface CalleeInfo {
  uri: string;
  /** `demo`: the built-in test.* functions; `user`: written in the Studio. */
  kind: 'demo' | 'user';
  running: boolean;
  language?: 'js' | 'ts';
  source?: string;
  version?: number;
  updatedAt?: number;
  metrics: CalleeMetricsSummary;
}

export interface CompileProblem {
  message: string;
  line?: number;
  column?: number;
}

export interface SaveResult {
  ok: boolean;
  callee?: CalleeInfo;
  problems?: CompileProblem[];
}

/** One run of a callee, as the Callees view lists it (newest first, a bounded number per URI). */
export interface CalleeRun {
  uri: string;
  msgUUID: string;
  /** Date.now() when the run ended. */
  at: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'expired' | 'killed';
  /** The args and the result as JSON text, cut to the host's limit (see `cut`). */
  args?: string;
  result?: string;
  error?: string;
  /** A user callee's stack for a thrown error, with positions in the user's source (`uri.ts:line:column`). */
  stack?: string;
  /** The handler version that ran (user callees). */
  version?: number;
  /** Which of args / result were cut. */
  cut?: ('args' | 'result')[];
}

export interface CalleeLog {
  uri: string;
  level: 'log' | 'warn' | 'error';
  message: string;
  at: number;
}

// The redis inspector's shapes are its own (src/embedded-server/redis-inspector): data only, no behaviour.
export type { InspectorSnapshot as RedisSnapshot, ListPage, PendingCalls } from '../redis-inspector';

import type { InspectorSnapshot, ListPage, PendingCalls, TapMessage } from '../redis-inspector';
import type { RedisWatchStatus } from '../watch';

export interface RedisTapMessage extends TapMessage {
  tapId: string;
}

/** The redis watch (MONITOR) and what it has seen; see src/embedded-server/watch/redis-watch.ts. */
export type WatchStatus = RedisWatchStatus & {
  /** The redis watched (password removed). */
  url?: string;
};

export interface SyncPeerInfo {
  peerId: string;
  /**
   * Which end of the Studio's demo pair: the server side or the client side. For a watched peer
   * (`target` set): an attached server's observer is a client; a proxied connection has both ends.
   */
  role: 'server' | 'client';
  generation: 'seed' | '0.6' | '0.7';
  connected: boolean;
  local: unknown;
  remote: unknown;
  localRevision: number;
  remoteRevision: number;
  /**
   * Kept with its history after it closes, until unpinned (sync.pin). An unpinned server peer is
   * forgotten when it closes; the Studio client is always kept.
   */
  pinned?: boolean;
  /** Set for a peer of an attached sync server or of a sync proxy (sync.attach, sync.proxy). */
  target?: SyncTargetRef;
}

export type SyncGeneration = 'seed' | '0.6' | '0.7';

/** Which attached sync target a peer belongs to. */
export interface SyncTargetRef {
  targetId: string;
  kind: 'attach' | 'proxy';
  /** The sync server's URL (attach) or the proxy's upstream. */
  url: string;
  /** A proxy's connection (c1, c2...): its client and server peers share it. */
  connId?: string;
}

/** One generation tried by `detect`, and what happened. */
export interface SyncGenerationTry {
  generation: SyncGeneration;
  ok: boolean;
  reason: string;
}

/** A sync server the Studio watches (sync.attach: as an observing client) or proxies (sync.proxy). */
export interface SyncTarget {
  targetId: string;
  kind: 'attach' | 'proxy';
  /** The sync server's URL (for a proxy: its upstream). */
  url: string;
  requested: SyncGeneration | 'detect';
  /** The generation spoken; null while a detecting proxy has seen no frame that tells. */
  generation: SyncGeneration | null;
  /** `detect` on attach: each generation tried in turn and why it failed or answered. */
  tries?: SyncGenerationTry[];
  /** attach: the observer is connected; proxy: it listens. */
  connected: boolean;
  /** proxy: where clients connect. */
  listenUrl?: string;
  /** proxy: connections open now and since it started. */
  connections?: { open: number; total: number };
  /** proxy: frames it could not decode (still forwarded). */
  decodeFailures?: number;
  lastError?: string;
  since: number;
}

/** The sync history the host holds, its bounds, and what it let go (issue 11, item 6). */
export interface SyncHistoryStats {
  /** Changes kept per replica of each peer. */
  maxChanges: number;
  /** Patch text kept across every peer, in UTF-16 units (see shared/json-size.ts). */
  maxBytes: number;
  heldChanges: number;
  heldBytes: number;
  /** The oldest changes let go to stay under the bounds, and their patch text. */
  droppedChanges: number;
  droppedBytes: number;
  /** Closed, unpinned peers forgotten with their history. */
  droppedPeers: number;
}

/** Which sync peers the host holds, without their data, and its history bounds. */
export interface SyncOverview {
  peers: { peerId: string; role: 'server' | 'client'; connected: boolean; pinned: boolean }[];
  history: SyncHistoryStats;
}

export interface SyncChange {
  peerId: string;
  replica: 'local' | 'remote' | 'state';
  revision: number;
  patch: unknown[];
  before: unknown;
  after: unknown;
  at: number;
}

/** Latency percentiles of a load run, ms (computed from every sample). */
export interface LatencySummary {
  count: number;
  min: number;
  median: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadParams {
  connections: number;
  /** Delay between two calls of one connection, ms; negative: the next call once the previous settled. */
  rateMs: number;
  durationMs: number;
  uri: string;
  /** Sent as a JSON string, as the Go load tester does. */
  payload: string;
  timeoutMs: number;
}

/** What a load run counted (`juggler load` and the Studio's load panel alike). */
export interface LoadCounts {
  calls: number;
  acks: number;
  nacks: number;
  /** RES received, including callee errors. */
  results: number;
  /** RES whose args were an error object. */
  errorResults: number;
  expired: number;
  /** Calls lost with their connection, or failing otherwise. */
  failed: number;
}

/** A run that has counted nothing yet. */
export const noLoadCounts: Readonly<LoadCounts> = { calls: 0, acks: 0, nacks: 0, results: 0, errorResults: 0, expired: 0, failed: 0 };
export const noLatency: Readonly<LatencySummary> = { count: 0, min: 0, median: 0, p75: 0, p90: 0, p99: 0, max: 0, mean: 0 };

export interface LoadProgressEvent extends LoadCounts {
  loadId: string;
  state: 'running' | 'done' | 'failed' | 'stopped';
  params: LoadParams;
  elapsedMs: number;
  /** Results/s: recent while running, over the whole run when done. */
  throughput: number;
  latencyMs: LatencySummary;
  error?: string;
}

export interface MetricsSample {
  at: number;
  server: Record<string, number>;
  broker: Record<string, number>;
  callees: Record<string, number>;
}

/** A recording proxy the Studio runs (Attach view): clients pointed at `localUrl` reach `upstream`. */
export interface ProxyInfo {
  id: string;
  upstream: string;
  /** The URL to point clients at. */
  localUrl: string;
  /** Names of the extra headers sent upstream (values are not sent back: they may be secrets). */
  headers: string[];
  startedAt: number;
  connections: { total: number; open: number; refused: number };
  frames: { in: number; out: number };
  bytes: { in: number; out: number };
  /** The last connection the upstream refused or could not be reached for: the status the client got, and why. */
  lastRefusal?: { status: number; reason: string; at: number };
}

// ---- the contract -------------------------------------------------------------------------------

export interface BridgeMethods {
  'host.info': { params: undefined; result: HostInfo };
  'host.status': { params: undefined; result: HostStatus };

  'trace.events': { params: { fromSeq?: number; limit?: number; kinds?: TraceKind[] }; result: TraceEvent[] };
  /** Held events from `fromSeq` on as columns (see trace-batch.ts): what a window loads, as the live `trace` event. */
  'trace.batch': { params: { fromSeq?: number; limit?: number }; result: TraceBatch };
  /**
   * How a window takes the live `trace` batches: following the newest events (not paused, no filter),
   * it shows only the newest of a flood, so the host sends at most `maxBatch` events per batch, the
   * newest, and says how many it left out (TraceBatch.skipped); null: every event. One setting for the
   * host (the last window to say); it holds every event either way.
   */
  'trace.follow': { params: { maxBatch: number | null }; result: { maxBatch: number | null } };
  'trace.chain': { params: { corr: string }; result: Chain | null };
  'trace.stats': { params: undefined; result: TraceStats };
  'trace.setEnabled': { params: { enabled: boolean }; result: TraceStats };
  'trace.clear': { params: undefined; result: TraceStats };
  /** NDJSON of the session (header line + events). */
  'trace.export': { params: undefined; result: { ndjson: string; count: number } };
  /** Replaces the held events with an exported session's. */
  'trace.import': { params: { ndjson: string }; result: { count: number } };
  /**
   * Appends every event from now on to `file` (null stops). The file must be inside the Studio's data
   * folder (a relative name is taken there); elsewhere, `..` or a symlink out: SPILL_OUTSIDE_DIR.
   */
  'trace.spill': { params: { file: string | null }; result: TraceStats };

  'clients.list': { params: undefined; result: ClientInfo[] };
  'clients.connect': { params: { name?: string; url?: string; allowedMessages?: string }; result: ClientInfo };
  'clients.disconnect': { params: { clientId: string }; result: ClientInfo };
  'clients.call': { params: { clientId: string; uri: string; args: unknown; timeoutMs?: number }; result: CallOutcome };
  'clients.sub': { params: { clientId: string; channel: string; pattern?: boolean }; result: ClientInfo };
  'clients.unsb': { params: { clientId: string; channel: string; pattern?: boolean }; result: ClientInfo };
  'clients.pub': { params: { clientId: string; channel: string; args: unknown }; result: { uuid: string } };
  /** Sends a traced CALL again (same URI, args and timeout, new uuid) from a client. */
  'clients.resend': { params: { clientId: string; seq: number }; result: CallOutcome };

  'callees.list': { params: undefined; result: CalleeInfo[] };
  'callees.save': { params: { uri: string; source: string; language: 'js' | 'ts' }; result: SaveResult };
  'callees.remove': { params: { uri: string }; result: CalleeInfo[] };
  'callees.start': { params: { uri: string }; result: CalleeInfo };
  'callees.stop': { params: { uri: string }; result: CalleeInfo };
  /** A callee's recent runs, newest first (only the failed ones with errorsOnly). */
  'callees.runs': { params: { uri: string; errorsOnly?: boolean }; result: CalleeRun[] };

  'redis.snapshot': { params: undefined; result: InspectorSnapshot };
  /** `key`: a key as text, or a snapshot's key object (its base64 carries keys that are not UTF-8). */
  'redis.peek': {
    params: { key: string | { text: string; base64?: string; bytes: number }; start?: number; count?: number };
    result: ListPage;
  };
  'redis.pending': { params: { uri: string }; result: PendingCalls };
  /** Points the inspector at another redis (null: back to the Studio's own). */
  'redis.target': { params: { url: string | null; cluster?: boolean }; result: { url: string; cluster: boolean } };
  'redis.tap': { params: { channels?: string[]; patterns?: string[] }; result: { tapId: string } };
  'redis.untap': { params: { tapId: string }; result: { tapId: string } };

  /** Stops (pause) or restarts (resume) the embedded redis: an outage on demand. */
  'fault.redis': { params: { action: 'pause' | 'resume' }; result: HostStatus };
  /** Delays every callee run by `ms` (0: off), to see slow hops and expiries. */
  'fault.calleeDelay': { params: { ms: number }; result: HostStatus };
  /** Lets a pending call's TTL lapse now: its callee will find it expired. */
  'fault.expireCall': { params: { uri: string; msgUUID: string }; result: { expired: boolean } };

  'sync.peers': { params: undefined; result: SyncPeerInfo[] };
  'sync.history': { params: { peerId: string; replica: 'local' | 'remote' | 'state'; fromRevision?: number }; result: SyncChange[] };
  'sync.setLocal': { params: { peerId: string; data: unknown }; result: SyncPeerInfo };
  'sync.message': { params: { peerId: string; message: unknown }; result: { sent: true } };
  /** Keeps a peer (and its history) after it closes; unpinning a closed peer forgets it. */
  'sync.pin': { params: { peerId: string; pinned: boolean }; result: SyncOverview };
  'sync.overview': { params: undefined; result: SyncOverview };
  /** Watches a sync server as an observing client peer (it sends nothing of its own); detect tries each generation. */
  'sync.attach': { params: { url: string; generation?: SyncGeneration | 'detect' }; result: SyncTarget };
  /** Starts a recording sync proxy to `upstream`; `listen` HOST:PORT (default a free loopback port). */
  'sync.proxy': { params: { upstream: string; listen?: string; generation?: SyncGeneration | 'detect' }; result: SyncTarget };
  /** Stops watching a target (an observer closes, a proxy stops) and forgets its peers. */
  'sync.detach': { params: { targetId: string }; result: SyncTarget[] };
  'sync.targets': { params: undefined; result: SyncTarget[] };

  /** Attaches a redis the Studio did not start: the inspector shows it, nothing is written to it. */
  'attach.redis': { params: { url: string; cluster?: boolean }; result: AttachStatus };
  /** Back to the Studio's own redis only (callees serving on the attached one stop). */
  'attach.detach': { params: undefined; result: AttachStatus };
  'attach.status': { params: undefined; result: AttachStatus };
  /** Demo and user callees also serve the attached redis (on) or stop serving it; on needs confirm: true. */
  'callees.serveOnAttached': { params: { on: boolean; confirm?: boolean }; result: AttachStatus };

  'metrics.sample': { params: undefined; result: MetricsSample };
  /** Runs the load tester against the Studio's server; progress comes as load.progress events. */
  'load.start': { params: LoadParams; result: { loadId: string } };
  'load.stop': { params: { loadId: string }; result: { loadId: string } };

  /** Starts a recording proxy to `upstream`; `listen` is HOST:PORT (default 127.0.0.1 on a free port). */
  'proxy.start': { params: { upstream: string; listen?: string; headers?: Record<string, string> }; result: ProxyInfo };
  /** Stops a proxy: its connections close both ways with 1001. Returns the proxies left. */
  'proxy.stop': { params: { id: string }; result: ProxyInfo[] };
  'proxy.list': { params: undefined; result: ProxyInfo[] };
  /**
   * Starts the redis watch: MONITOR on `url` (default: the redis the inspector shows; every master of
   * a cluster) for `limitMs` (default 5 minutes). MONITOR slows redis: the UI says so first.
   */
  'watch.start': { params: { url?: string; limitMs?: number }; result: WatchStatus };
  'watch.stop': { params: undefined; result: WatchStatus };
  'watch.status': { params: undefined; result: WatchStatus };
}

export interface BridgeEvents {
  /**
   * Trace events, in batches (never one frame per event), as columns (see trace-batch.ts; batchEvents
   * makes objects of them).
   */
  trace: TraceBatch;
  status: HostStatus;
  'clients.changed': ClientInfo[];
  'clients.event': ClientEvent;
  'callees.changed': CalleeInfo[];
  'callees.log': CalleeLog;
  'redis.tap': RedisTapMessage;
  'sync.change': SyncChange;
  /** Peers came, closed, were pinned or forgotten, or the history changed (at most every 100 ms). */
  'sync.overview': SyncOverview;
  /** sync.attach, sync.proxy, sync.detach, or a target's state changed. */
  'sync.targets': SyncTarget[];
  metrics: MetricsSample;
  'load.progress': LoadProgressEvent;
  /** attach.redis, attach.detach or callees.serveOnAttached changed what is attached. */
  'attach.changed': AttachStatus;
  /** The running proxies, on start, stop, connection changes and (at most twice a second) frame counts. */
  'proxy.changed': ProxyInfo[];
  /** Every second while the watch runs, and when it stops. */
  'watch.status': WatchStatus;
}

export type MethodName = keyof BridgeMethods;
export type EventName = keyof BridgeEvents;
export type ParamsOf<M extends MethodName> = BridgeMethods[M]['params'];
export type ResultOf<M extends MethodName> = BridgeMethods[M]['result'];

/** Every method, at run time (the dispatcher checks its table against it). */
export const METHOD_NAMES = [
  'host.info',
  'host.status',
  'trace.events',
  'trace.batch',
  'trace.follow',
  'trace.chain',
  'trace.stats',
  'trace.setEnabled',
  'trace.clear',
  'trace.export',
  'trace.import',
  'trace.spill',
  'clients.list',
  'clients.connect',
  'clients.disconnect',
  'clients.call',
  'clients.sub',
  'clients.unsb',
  'clients.pub',
  'clients.resend',
  'callees.list',
  'callees.save',
  'callees.remove',
  'callees.start',
  'callees.stop',
  'callees.runs',
  'redis.snapshot',
  'redis.peek',
  'redis.pending',
  'redis.target',
  'redis.tap',
  'redis.untap',
  'fault.redis',
  'fault.calleeDelay',
  'fault.expireCall',
  'sync.peers',
  'sync.history',
  'sync.setLocal',
  'sync.message',
  'sync.pin',
  'sync.overview',
  'sync.attach',
  'sync.proxy',
  'sync.detach',
  'sync.targets',
  'attach.redis',
  'attach.detach',
  'attach.status',
  'callees.serveOnAttached',
  'metrics.sample',
  'load.start',
  'load.stop',
  'proxy.start',
  'proxy.stop',
  'proxy.list',
  'watch.start',
  'watch.stop',
  'watch.status',
] as const satisfies readonly MethodName[];

/** The call timeout of the Studio's own UserCallees clients when a CALL gives none (host/client-pool.ts). */
export const STUDIO_CLIENT_CALL_TIMEOUT_MS = 10_000;
/** The longest call timeout the bridge accepts for `clients.call` (its params check). */
export const MAX_BRIDGE_CALL_TIMEOUT_MS = 3_600_000;

/**
 * How long the work behind a method may rightly take, for the methods whose work can outlast the bridge's
 * own request timeout: a UserCallees CALL waits for its RES up to the call's timeout. The bridge client
 * waits at least that long (plus a margin), so a result that arrives is never dropped as "not answered"
 * (issue 13). The host always answers these methods once the work has ended, one way or the other.
 */
export const METHOD_WORK_MS: { [M in MethodName]?: (params: ParamsOf<M>) => number } = {
  'clients.call': (p) => p.timeoutMs ?? STUDIO_CLIENT_CALL_TIMEOUT_MS,
  // the traced CALL's own timeout is known to the host only; it is at most what clients.call accepts
  'clients.resend': () => MAX_BRIDGE_CALL_TIMEOUT_MS,
};

// a method missing from METHOD_NAMES fails to compile here
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
export const _allMethodsListed: Missing extends never ? true : Missing = true;
