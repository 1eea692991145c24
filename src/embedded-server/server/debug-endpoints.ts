// `GET /debug/vars` and `GET /metrics` on the server's HTTP address (issue 12, item 6).
//
// /debug/vars is what Go's expvar serves and what Go's tools read: `juggler-load` fetches it before and
// after each run (unless -V) and stops with "failed to fetch /debug/vars" on anything but a 2xx JSON
// object (../shared/conformance/go-debug-vars.json and its README). Its members:
//   cmdline   the process arguments (Go: os.Args)
//   memstats  Go's runtime.MemStats field names, filled with Node's nearest figures (see memStats())
//   juggler   the server counters under the Go server's names (metrics.ts); as with Go's expvar.Map,
//             a counter nobody has touched yet is absent (ActiveConns shows once a connection came)
//   juggler_ts  not in Go: our own extra server counters and the broker's, so they are not lost
// /metrics is the same counters in the Prometheus text exposition format (version 0.0.4).
//
// With `juggler server --procs N` each process is a full server with its own counters, and whichever
// answers the HTTP request asks the supervisor for every process' snapshot (DebugSource.gather) and
// serves their sum: counters and gauges (ActiveConns, PendingCalls) add up, and so do memstats' sizes and
// GC counts (so that juggler-load's before/after differences hold whichever process answers each
// request); LastGC is the latest, GCCPUFraction the mean, and PauseNs/PauseEnd (a ring of recent pauses
// that cannot be added) are the answering process' own. juggler_ts.Processes lists each process. A
// restarted process' counters start again from zero, as a restarted Go server's do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { type BrokerMetrics, newBrokerMetrics } from '../broker/redis/metrics';
import { MessageType, type MessageTypeName } from '../message';
import { newServerMetrics, type ServerMetrics } from './metrics';

export const DEBUG_VARS_PATH = '/debug/vars';
export const METRICS_PATH = '/metrics';

/** What the endpoints read: the live counters of one server. */
export interface DebugSource {
  metrics: Readonly<ServerMetrics>;
  broker: Readonly<BrokerMetrics>;
  /** Calls waiting for their result. */
  pendingCalls(): number;
  /** The snapshots of every process of a `--procs N` server, this one included: their sum is served. */
  gather?: () => Promise<DebugSnapshot[]>;
  /** memstats to serve instead of this process' own (a sum over processes). */
  memstats?: Record<string, unknown>;
  /** The processes a sum was made of, listed in juggler_ts.Processes. */
  processes?: readonly DebugSnapshot[];
}

/** One process' counters, as a `--procs N` worker hands them to the supervisor (plain JSON, over IPC). */
export interface DebugSnapshot {
  pid: number;
  serverId: string;
  metrics: ServerMetrics;
  broker: BrokerMetrics;
  pendingCalls: number;
  /** memStats() without its PauseNs/PauseEnd rings. */
  memstats: Record<string, number | boolean>;
}

export function debugSnapshot(src: DebugSource, serverId: string): DebugSnapshot {
  const { PauseNs: _ns, PauseEnd: _end, ...mem } = memStats();
  return {
    pid: process.pid,
    serverId,
    metrics: { ...src.metrics },
    broker: { ...src.broker },
    pendingCalls: src.pendingCalls(),
    memstats: mem as Record<string, number | boolean>,
  };
}

function sumFields<T extends object>(items: readonly T[]): T {
  const out: Record<string, number> = {};
  for (const it of items) {
    for (const [k, v] of Object.entries(it)) if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
  }
  return out as T;
}

/** The sum of several processes' snapshots, as one source (see the header for what is summed how). */
export function sumSnapshots(list: readonly DebugSnapshot[]): DebugSource {
  const pending = list.reduce((n, s) => n + s.pendingCalls, 0);
  const memstats: Record<string, unknown> = { ...memStats(), ...sumFields(list.map((s) => s.memstats)) };
  memstats.LastGC = Math.max(0, ...list.map((s) => Number(s.memstats.LastGC) || 0));
  memstats.GCCPUFraction = list.length ? list.reduce((n, s) => n + (Number(s.memstats.GCCPUFraction) || 0), 0) / list.length : 0;
  return {
    metrics: { ...newServerMetrics(), ...sumFields(list.map((s) => s.metrics)) },
    broker: { ...newBrokerMetrics(), ...sumFields(list.map((s) => s.broker)) },
    pendingCalls: () => pending,
    memstats,
    processes: list,
  };
}

/** The server counters the Go server publishes in its `juggler` expvar map, in its order. */
const GO_COUNTERS = [
  'ActiveConns',
  'TotalConns',
  'Msgs',
  ...(Object.keys(MessageType) as MessageTypeName[]).map((t) => `Msgs${t}` as const),
  'MsgsRead',
  'MsgsWrite',
  'SlowProcessMsg',
  'RecoveredPanics',
] as const satisfies readonly (keyof ServerMetrics)[];

// ---- garbage collections, for memstats NumGC / PauseTotalNs / PauseNs / LastGC ---------------------

/** Go keeps the last 256 pauses in a circular buffer: PauseNs[(NumGC+255)%256] is the latest. */
const PAUSE_RING = 256;

class GcStats {
  numGC = 0;
  numForcedGC = 0;
  pauseTotalNs = 0;
  /** ns since the epoch at the end of the last collection (0: none yet), as Go's LastGC. */
  lastGC = 0;
  readonly pauseNs = new Array<number>(PAUSE_RING).fill(0);
  readonly pauseEnd = new Array<number>(PAUSE_RING).fill(0);

  constructor() {
    // V8 reports each collection as a `gc` performance entry; the observer does not keep the process alive
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const ns = Math.round(e.duration * 1e6);
        const end = Math.round((performance.timeOrigin + e.startTime + e.duration) * 1e6);
        const i = this.numGC % PAUSE_RING;
        this.pauseNs[i] = ns;
        this.pauseEnd[i] = end;
        this.numGC++;
        this.pauseTotalNs += ns;
        this.lastGC = end;
        const flags = (e as { detail?: { flags?: number } }).detail?.flags ?? 0;
        if (flags & perfConstants.NODE_PERFORMANCE_GC_FLAGS_FORCED) this.numForcedGC++;
      }
    });
    obs.observe({ entryTypes: ['gc'] });
  }
}

let gc: GcStats | undefined;
/** Starts counting collections (once per process): called when a server with the endpoints listens. */
export function startGcStats(): void {
  gc ??= new GcStats();
}

/**
 * Go's runtime.MemStats field names with Node's nearest figures. Go's load tool prints Alloc, TotalAlloc,
 * Mallocs, Frees, HeapAlloc, HeapInuse, HeapObjects, StackInuse, NumGC and PauseTotalNs, decoding the
 * counts into Go ints (so they are whole numbers here). What each one is here:
 *   Alloc, HeapAlloc   V8 heap bytes in use by live and not yet collected objects (heapUsed)
 *   TotalAlloc         no cumulative allocation counter in V8: heapUsed as well (a lower bound)
 *   Sys                the process' resident set size (rss)
 *   HeapSys            bytes V8 reserved for its heap (heapTotal)
 *   HeapInuse          heap pages backed by memory (v8 total_physical_size)
 *   HeapIdle           reserved heap not backed by memory (HeapSys - HeapInuse)
 *   HeapReleased       0: V8 does not say what it gave back
 *   HeapObjects        0: V8 counts objects only in a heap snapshot, far too costly for a poll
 *   StackInuse, StackSys  0: Node has one stack per thread and V8 does not report its use
 *   OtherSys           memory of C++ objects bound to JS (external, array buffers included)
 *   NextGC             the heap size at which V8 grows or collects (heapTotal)
 *   NumGC, NumForcedGC, PauseTotalNs, PauseNs, PauseEnd, LastGC  from V8's `gc` performance entries
 *                      since the server started listening (a full or incremental collection is one GC)
 *   GCCPUFraction      PauseTotalNs over the time since then
 *   EnableGC true, DebugGC false
 *   Mallocs, Frees and the other Go allocator figures are absent: V8 keeps no such counts (Go's JSON
 *                      decoding reads an absent field as 0)
 */
export function memStats(): Record<string, unknown> {
  startGcStats();
  const g = gc!;
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  const inuse = h.total_physical_size;
  const uptimeNs = process.uptime() * 1e9;
  return {
    Alloc: m.heapUsed,
    TotalAlloc: m.heapUsed,
    Sys: m.rss,
    Lookups: 0,
    HeapAlloc: m.heapUsed,
    HeapSys: m.heapTotal,
    HeapIdle: Math.max(0, m.heapTotal - inuse),
    HeapInuse: inuse,
    HeapReleased: 0,
    HeapObjects: 0,
    StackInuse: 0,
    StackSys: 0,
    OtherSys: m.external,
    NextGC: m.heapTotal,
    LastGC: g.lastGC,
    PauseTotalNs: g.pauseTotalNs,
    PauseNs: g.pauseNs,
    PauseEnd: g.pauseEnd,
    NumGC: g.numGC,
    NumForcedGC: g.numForcedGC,
    GCCPUFraction: uptimeNs > 0 ? g.pauseTotalNs / uptimeNs : 0,
    EnableGC: true,
    DebugGC: false,
  };
}

/** The `juggler` map: Go's counter names, untouched ones absent. */
export function jugglerVars(m: Readonly<ServerMetrics>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of GO_COUNTERS) {
    // ActiveConns goes back to 0 but, as in Go's expvar.Map, stays once a connection has counted
    if (m[k] !== 0 || (k === 'ActiveConns' && m.TotalConns > 0)) out[k] = m[k];
  }
  return out;
}

export function debugVars(src: DebugSource): Record<string, unknown> {
  return {
    cmdline: process.argv,
    memstats: src.memstats ?? memStats(),
    juggler: jugglerVars(src.metrics),
    juggler_ts: {
      ClosedForErrors: src.metrics.ClosedForErrors,
      OrphanResults: src.metrics.OrphanResults,
      PendingCalls: src.pendingCalls(),
      broker: { ...src.broker },
      ...(src.processes
        ? {
            Processes: src.processes.map((p) => ({
              Pid: p.pid,
              ServerID: p.serverId,
              ActiveConns: p.metrics.ActiveConns,
              TotalConns: p.metrics.TotalConns,
              Calls: p.broker.Calls,
              Results: p.broker.Results,
              PendingCalls: p.pendingCalls,
            })),
          }
        : {}),
    },
  };
}

// ---- Prometheus text format ------------------------------------------------------------------------

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: { labels?: Record<string, string>; value: number }[];
}

/** Label values escaped as the exposition format says: backslash, double quote and newline. */
function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(f: Family): string {
  const lines = [`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`];
  for (const s of f.samples) {
    const labels = s.labels
      ? `{${Object.entries(s.labels)
          .map(([k, v]) => `${k}="${labelValue(v)}"`)
          .join(',')}}`
      : '';
    lines.push(`${f.name}${labels} ${Number.isFinite(s.value) ? s.value : 0}`);
  }
  return lines.join('\n');
}

const one = (value: number) => [{ value }];

/** Every counter and gauge of the server, its broker and the process, as Prometheus text. */
export function prometheusText(src: DebugSource): string {
  const m = src.metrics;
  const b = src.broker;
  startGcStats();
  // one process' figures, or (--procs N) the sum over processes
  const ms = src.memstats ?? memStats();
  const mem = { rss: Number(ms.Sys), heapUsed: Number(ms.HeapAlloc), heapTotal: Number(ms.HeapSys) };
  const gcRuns = Number(ms.NumGC);
  const gcPauseNs = Number(ms.PauseTotalNs);
  const families: Family[] = [
    {
      name: 'juggler_connections_active',
      type: 'gauge',
      help: 'Open websocket connections (Go: ActiveConns).',
      samples: one(m.ActiveConns),
    },
    {
      name: 'juggler_connections_total',
      type: 'counter',
      help: 'Websocket connections accepted (Go: TotalConns).',
      samples: one(m.TotalConns),
    },
    {
      name: 'juggler_msgs_total',
      type: 'counter',
      help: 'juggler.0 messages processed, by type, both ways (Go: Msgs<TYPE>).',
      samples: (Object.keys(MessageType) as MessageTypeName[]).map((t) => ({ labels: { type: t }, value: m[`Msgs${t}`] })),
    },
    { name: 'juggler_msgs_read_total', type: 'counter', help: 'Frames read from clients (Go: MsgsRead).', samples: one(m.MsgsRead) },
    { name: 'juggler_msgs_written_total', type: 'counter', help: 'Frames written to clients (Go: MsgsWrite).', samples: one(m.MsgsWrite) },
    {
      name: 'juggler_slow_process_msgs_total',
      type: 'counter',
      help: 'Messages whose processing took longer than the slow threshold (Go: SlowProcessMsg).',
      samples: one(m.SlowProcessMsg),
    },
    {
      name: 'juggler_recovered_panics_total',
      type: 'counter',
      help: 'Handler failures caught and answered (Go: RecoveredPanics).',
      samples: one(m.RecoveredPanics),
    },
    {
      name: 'juggler_closed_for_errors_total',
      type: 'counter',
      help: 'Connections closed for a protocol error, a limit or a slow consumer.',
      samples: one(m.ClosedForErrors),
    },
    {
      name: 'juggler_orphan_results_total',
      type: 'counter',
      help: 'Results that arrived for a connection that was gone.',
      samples: one(m.OrphanResults),
    },
    {
      name: 'juggler_calls_timed_out_total',
      type: 'counter',
      help: 'Calls whose timeout passed without a result reaching the server (what clients see as expired).',
      samples: one(m.CallsTimedOut),
    },
    {
      name: 'juggler_queued_requests',
      type: 'gauge',
      help: 'Requests read and not yet answered, all connections (bounded by the read-queue limits).',
      samples: one(m.QueuedRequests),
    },
    {
      name: 'juggler_read_pauses_total',
      type: 'counter',
      help: "Times a connection's reading was paused because its unanswered requests passed a read-queue limit.",
      samples: one(m.ReadPauses),
    },
    { name: 'juggler_pending_calls', type: 'gauge', help: 'Calls waiting for their result.', samples: one(src.pendingCalls()) },
    {
      name: 'juggler_processes',
      type: 'gauge',
      help: 'Server processes whose figures these are (juggler server --procs N).',
      samples: one(src.processes?.length ?? 1),
    },
    { name: 'juggler_broker_calls_total', type: 'counter', help: 'Calls pushed to redis (broker Calls).', samples: one(b.Calls) },
    { name: 'juggler_broker_results_total', type: 'counter', help: 'Results read from redis (broker Results).', samples: one(b.Results) },
    { name: 'juggler_broker_events_total', type: 'counter', help: 'Pub-sub events received (broker Events).', samples: one(b.Events) },
    {
      name: 'juggler_broker_expired_total',
      type: 'counter',
      help: 'Calls and results found expired in redis (broker ExpiredCalls, ExpiredResults).',
      samples: [
        { labels: { kind: 'call' }, value: b.ExpiredCalls },
        { labels: { kind: 'result' }, value: b.ExpiredResults },
      ],
    },
    {
      name: 'juggler_broker_failures_total',
      type: 'counter',
      help: 'Broker failures by kind (broker FailedPTTL*, Failed*PayloadUnmarshals, RedisErrors).',
      samples: [
        { labels: { kind: 'pttl_call' }, value: b.FailedPTTLCalls },
        { labels: { kind: 'pttl_result' }, value: b.FailedPTTLResults },
        { labels: { kind: 'call_payload' }, value: b.FailedCallPayloadUnmarshals },
        { labels: { kind: 'res_payload' }, value: b.FailedResPayloadUnmarshals },
        { labels: { kind: 'evnt_payload' }, value: b.FailedEvntPayloadUnmarshals },
        { labels: { kind: 'redis' }, value: b.RedisErrors },
      ],
    },
    { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory size in bytes.', samples: one(mem.rss) },
    { name: 'nodejs_heap_used_bytes', type: 'gauge', help: 'V8 heap bytes in use.', samples: one(mem.heapUsed) },
    { name: 'nodejs_heap_total_bytes', type: 'gauge', help: 'V8 heap bytes reserved.', samples: one(mem.heapTotal) },
    { name: 'nodejs_gc_runs_total', type: 'counter', help: 'Garbage collections since the server started.', samples: one(gcRuns) },
    {
      name: 'nodejs_gc_pause_seconds_total',
      type: 'counter',
      help: 'Time spent in garbage collection since the server started.',
      samples: one(gcPauseNs / 1e9),
    },
    {
      name: 'process_start_time_seconds',
      type: 'gauge',
      help: 'Start time of the process since the Unix epoch in seconds.',
      samples: one(Math.round(performance.timeOrigin / 1000)),
    },
  ];
  return `${families.map(family).join('\n')}\n`;
}

/**
 * Answers GET/HEAD of /debug/vars and /metrics; returns false for any other request (the caller answers
 * it). Other methods on those paths get 405 with Allow.
 */
export function serveDebugEndpoint(req: IncomingMessage, res: ServerResponse, src: DebugSource): boolean {
  const path = req.url?.split('?')[0];
  if (path !== DEBUG_VARS_PATH && path !== METRICS_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${path} answers GET only\n`);
    return true;
  }
  const json = path === DEBUG_VARS_PATH;
  const answer = (from: DebugSource) => {
    const body = json ? `${JSON.stringify(debugVars(from), null, 1)}\n` : prometheusText(from);
    res.writeHead(200, {
      'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (!src.gather) {
    answer(src);
    return true;
  }
  src.gather().then(
    (list) => answer(sumSnapshots(list)),
    (err: Error) => {
      // a partial sum would read as a drop in counters: say so instead
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`cannot add up the server processes' counters: ${err.message}\n`);
    },
  );
  return true;
}
