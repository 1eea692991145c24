// The bridge contract: every method the UI can call on the host and every event the host pushes.
// One type; the host's dispatcher implements exactly this table, and Electron IPC and the web-mode
// websocket carry the same frames. No node:*, no DOM: the renderer and the host both import it.
import type { Chain, TraceEvent, TraceKind, TraceStats } from '../trace/events';

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
  error?: { code: string; message: string; nackCode?: number; result?: unknown };
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

export interface CalleeLog {
  uri: string;
  level: 'log' | 'warn' | 'error';
  message: string;
  at: number;
}

// The redis inspector's shapes are its own (src/embedded-server/inspect): data only, no behaviour.
export type { InspectorSnapshot as RedisSnapshot, PendingCalls } from '../../embedded-server/inspect';
export type { ListPage } from '../../embedded-server/inspect/list-peek';

import type { InspectorSnapshot, PendingCalls } from '../../embedded-server/inspect';
import type { ListPage } from '../../embedded-server/inspect/list-peek';
import type { TapMessage } from '../../embedded-server/inspect/tap';
import type { RedisWatchStatus } from '../../embedded-server/watch/redis-watch';

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
  /** Which end of the Studio's demo pair: the server side or the client side. */
  role: 'server' | 'client';
  generation: 'seed' | '0.6' | '0.7';
  connected: boolean;
  local: unknown;
  remote: unknown;
  localRevision: number;
  remoteRevision: number;
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

// ---- the contract -------------------------------------------------------------------------------

export interface BridgeMethods {
  'host.info': { params: undefined; result: HostInfo };
  'host.status': { params: undefined; result: HostStatus };

  'trace.events': { params: { fromSeq?: number; limit?: number; kinds?: TraceKind[] }; result: TraceEvent[] };
  'trace.chain': { params: { corr: string }; result: Chain | null };
  'trace.stats': { params: undefined; result: TraceStats };
  'trace.setEnabled': { params: { enabled: boolean }; result: TraceStats };
  'trace.clear': { params: undefined; result: TraceStats };
  /** NDJSON of the session (header line + events). */
  'trace.export': { params: undefined; result: { ndjson: string; count: number } };
  /** Replaces the held events with an exported session's. */
  'trace.import': { params: { ndjson: string }; result: { count: number } };
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

  'metrics.sample': { params: undefined; result: MetricsSample };
  /** Runs the load tester against the Studio's server; progress comes as load.progress events. */
  'load.start': { params: LoadParams; result: { loadId: string } };
  'load.stop': { params: { loadId: string }; result: { loadId: string } };

  /**
   * Starts the redis watch: MONITOR on `url` (default: the redis the inspector shows; every master of
   * a cluster) for `limitMs` (default 5 minutes). MONITOR slows redis: the UI says so first.
   */
  'watch.start': { params: { url?: string; limitMs?: number }; result: WatchStatus };
  'watch.stop': { params: undefined; result: WatchStatus };
  'watch.status': { params: undefined; result: WatchStatus };
}

export interface BridgeEvents {
  /** Trace events, in batches (never one frame per event). */
  trace: TraceEvent[];
  status: HostStatus;
  'clients.changed': ClientInfo[];
  'clients.event': ClientEvent;
  'callees.changed': CalleeInfo[];
  'callees.log': CalleeLog;
  'redis.tap': RedisTapMessage;
  'sync.change': SyncChange;
  metrics: MetricsSample;
  'load.progress': LoadProgressEvent;
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
  'metrics.sample',
  'load.start',
  'load.stop',
  'watch.start',
  'watch.stop',
  'watch.status',
] as const satisfies readonly MethodName[];

// a method missing from METHOD_NAMES fails to compile here
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
export const _allMethodsListed: Missing extends never ? true : Missing = true;
