// `juggler load`: the Go juggler-load tester. C connections each call URI with PAYLOAD every RATE for
// DURATION (a negative rate: the next call as soon as the previous one settled), then wait for the calls
// in flight to return or expire, and report counts, throughput and CALL→RES latency percentiles.
import { performance } from 'node:perf_hooks';
import type { LoadCounts } from '../../shared/bridge/contract';
import { CallError, CallExpiredError, type JugglerClient, NackError } from '../client';
import { connect } from '../client/node';
import { MessageType } from '../message';
import { UsageError } from './command';
import { defineCommand, durationFlag, type FlagSpec, intFlag, type ParsedFlags, parseFlags } from './flag-table';
import { LatencyStats, type LatencySummary } from './latency-stats';
import { Pacer } from './pacer';

// Defaults from the spec's "Demo environment" (those of the Go tool).
const flags: FlagSpec[] = [
  { name: 'addr', short: 'a', type: 'string', default: 'ws://127.0.0.1:9000/ws', value: 'URL', description: 'server address' },
  { name: 'connections', short: 'c', type: 'string', default: '100', value: 'N', description: 'number of connections' },
  { name: 'duration', short: 'd', type: 'string', default: '10s', value: 'DURATION', description: 'how long to send calls' },
  {
    name: 'rate',
    short: 'r',
    type: 'string',
    default: '100ms',
    value: 'DURATION',
    description: 'delay between two calls of one connection; negative: the next call once the previous one settled',
  },
  { name: 'uri', short: 'u', type: 'string', default: 'test.delay', value: 'URI', description: 'URI to call' },
  {
    name: 'payload',
    short: 'p',
    type: 'string',
    default: '100',
    value: 'TEXT',
    description: 'call args, sent as a JSON string as the Go tool does',
  },
  { name: 'timeout', short: 't', type: 'string', default: '1s', value: 'DURATION', description: 'call timeout' },
  {
    name: 'uris',
    short: 'n',
    type: 'string',
    default: '0',
    value: 'N',
    description: 'spread calls round-robin over URI_1 .. URI_N (a hot URI split across redis cluster nodes); 0: URI itself',
  },
  { name: 'json', type: 'boolean', description: 'print the report as one JSON object' },
];

export interface LoadConfig {
  addr: string;
  connections: number;
  durationMs: number;
  rateMs: number;
  uri: string;
  /** The URIs called, in round-robin order. */
  uris: string[];
  payload: string;
  timeoutMs: number;
}

export interface LoadReport extends LoadCounts {
  addr: string;
  uris: string[];
  payload: string;
  connections: number;
  rateMs: number;
  timeoutMs: number;
  durationMs: number;
  actualDurationMs: number;
  /** Results per second of actual duration. */
  throughput: number;
  latencyMs: LatencySummary;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

/** As Go prints a time.Duration, near enough: 10s, 100ms, 1.5s, 250µs. */
export function formatDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a === 0) return '0s';
  if (a < 1) return `${+(ms * 1000).toFixed(3)}µs`;
  if (a < 1000) return `${+ms.toFixed(3)}ms`;
  if (a < 60_000) return `${+(ms / 1000).toFixed(3)}s`;
  const m = Math.trunc(ms / 60_000);
  return `${m}m${+((ms - m * 60_000) / 1000).toFixed(3)}s`;
}

/** The load flags of `argv` (parsed by the table, as `juggler load` does). */
export function loadConfig(argv: readonly string[]): { config: LoadConfig; json: boolean } {
  return configFromFlags(parseFlags(argv, flags));
}

function configFromFlags({ values }: ParsedFlags): { config: LoadConfig; json: boolean } {
  const uri = values.uri as string;
  if (!uri) throw new UsageError('--uri must not be empty');
  const n = intFlag('uris', values.uris, 0);
  const durationMs = durationFlag('duration', values.duration);
  const timeoutMs = durationFlag('timeout', values.timeout);
  if (durationMs <= 0) throw new UsageError(`--duration must be positive, got ${values.duration}`);
  if (timeoutMs < 0) throw new UsageError(`--timeout must not be negative, got ${values.timeout}`);
  const addr = values.addr as string;
  if (!/^wss?:\/\//.test(addr)) throw new UsageError(`--addr must be a ws:// or wss:// URL, got "${addr}"`);
  return {
    config: {
      addr,
      connections: intFlag('connections', values.connections),
      durationMs,
      rateMs: durationFlag('rate', values.rate),
      uri,
      uris: n === 0 ? [uri] : Array.from({ length: n }, (_, i) => `${uri}_${i + 1}`),
      payload: values.payload as string,
      timeoutMs,
    },
    json: values.json === true,
  };
}

/** Runs the load; `log` gets progress lines; `stop` ends the sending early. */
/** Where a run stands, reported while it goes (the Studio's load panel plots it). */
export interface LoadProgress extends LoadCounts {
  elapsedMs: number;
  /** Results per second since the previous progress report. */
  recentThroughput: number;
  latencyMs: LatencySummary;
}

export async function runLoad(
  cfg: LoadConfig,
  log: (line: string) => void = () => {},
  stop: Promise<unknown> = new Promise(() => {}),
  onProgress?: (p: LoadProgress) => void,
  progressEveryMs = 500,
): Promise<LoadReport> {
  const counts = { calls: 0, acks: 0, nacks: 0, results: 0, errorResults: 0, expired: 0, failed: 0 };
  const latency = new LatencyStats();
  const opened = await Promise.allSettled(
    Array.from({ length: cfg.connections }, () => connect(cfg.addr, { callTimeoutMs: cfg.timeoutMs })),
  );
  const clients = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const refused = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (refused) {
    await Promise.all(clients.map((c) => c.close()));
    throw new Error(`${opened.length - clients.length} of ${cfg.connections} connections failed: ${(refused.reason as Error).message}`);
  }
  for (const c of clients) {
    c.on('frame', (f) => {
      if (f.direction !== 'in' || !f.message) return;
      if (f.message.meta.type === MessageType.ACK) counts.acks++;
      else if (f.message.meta.type === MessageType.NACK) counts.nacks++;
    });
  }
  log(`${clients.length} connections started...`);

  let stopping = false;
  const pacer = new Pacer();
  void stop.then(() => {
    stopping = true;
    pacer.wakeAll();
  });
  let next = 0;
  // calls sent and not settled: a count, not a set of promises with a .finally() each (work per call on
  // the cores the measured server shares)
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const settled = () => {
    if (--inFlight === 0 && drained) drained();
  };
  const call = (c: JugglerClient): Promise<void> => {
    const uri = cfg.uris[next++ % cfg.uris.length]!;
    counts.calls++;
    const t0 = performance.now();
    inFlight++;
    return c.call(uri, cfg.payload, { timeoutMs: cfg.timeoutMs }).then(
      () => {
        counts.results++;
        latency.record(performance.now() - t0);
        settled();
      },
      (err: unknown) => {
        if (err instanceof CallError) {
          counts.results++;
          counts.errorResults++;
          latency.record(performance.now() - t0);
        } else if (err instanceof CallExpiredError) counts.expired++;
        else if (!(err instanceof NackError)) counts.failed++; // NACKs are counted from their frames
        settled();
      },
    );
  };

  const start = performance.now();
  const end = start + cfg.durationMs;
  let lastResults = 0;
  let lastAt = start;
  const ticker = onProgress
    ? setInterval(() => {
        const now = performance.now();
        onProgress({
          elapsedMs: now - start,
          ...counts,
          recentThroughput: ((counts.results - lastResults) * 1000) / Math.max(1, now - lastAt),
          latencyMs: latency.summary(),
        });
        lastResults = counts.results;
        lastAt = now;
      }, progressEveryMs)
    : undefined;
  const worker = async (c: JugglerClient) => {
    // start jitter, as Go's: connections do not call in lockstep; with a rate, spread over a whole period
    await sleep(Math.random() * (cfg.rateMs > 0 ? cfg.rateMs : 10));
    // Paced calls keep to a schedule (start + k × rate) rather than sleeping `rate` after each call: node's
    // timers fire on whole milliseconds, and connections re-armed in the same tick would then stay in step
    // for good, clumping into bursts that measure queueing instead of the server's latency.
    let next = performance.now();
    while (!stopping && performance.now() < end && c.state === 'open') {
      const p = call(c);
      if (cfg.rateMs < 0) {
        await p;
        continue;
      }
      next += cfg.rateMs;
      if (next < performance.now() - cfg.rateMs) next = performance.now(); // far behind: go on from now, no burst to catch up
      // one timer for every connection's slots, which never wakes one before its slot
      if (next > performance.now()) await pacer.until(Math.min(next, end));
    }
  };
  await Promise.all(clients.map(worker));
  log('stopping...');
  // calls in flight settle by their result or their timeout
  if (inFlight > 0) await new Promise<void>((r) => (drained = r));
  const actualDurationMs = performance.now() - start;
  clearInterval(ticker);
  await Promise.all(clients.map((c) => c.close()));
  log('stopped.');
  return {
    addr: cfg.addr,
    uris: cfg.uris,
    payload: cfg.payload,
    connections: cfg.connections,
    rateMs: cfg.rateMs,
    timeoutMs: cfg.timeoutMs,
    durationMs: cfg.durationMs,
    actualDurationMs,
    ...counts,
    throughput: actualDurationMs > 0 ? counts.results / (actualDurationMs / 1000) : 0,
    latencyMs: latency.summary(),
  };
}

const ms = (v: number) => v.toFixed(2);

export function formatReport(r: LoadReport): string {
  const l = r.latencyMs;
  const uris = r.uris.length === 1 ? r.uris[0]! : `${r.uris[0]} .. ${r.uris.at(-1)} (${r.uris.length} URIs)`;
  return `
--- CONFIGURATION

Address:     ${r.addr}
URI:         ${uris}
Payload:     ${JSON.stringify(r.payload)}
Connections: ${r.connections}
Rate:        ${formatDuration(r.rateMs)}
Timeout:     ${formatDuration(r.timeoutMs)}
Duration:    ${formatDuration(r.durationMs)}

--- STATISTICS

Actual Duration: ${formatDuration(r.actualDurationMs)}
Calls:           ${r.calls}
ACK:             ${r.acks}
NACK:            ${r.nacks}
Results:         ${r.results}${r.errorResults ? ` (${r.errorResults} callee errors)` : ''}
Expired:         ${r.expired}
Failed:          ${r.failed}
Throughput:      ${r.throughput.toFixed(1)} results/s

--- LATENCY (CALL sent to RES received, ms, ${l.count} results)

min      median   p75      p90      p99      max
${[l.min, l.median, l.p75, l.p90, l.p99, l.max].map((v) => ms(v).padEnd(8)).join(' ')}
`;
}

export const loadCommand = defineCommand({
  name: 'load',
  summary: 'load tester: many connections calling a URI, with latency percentiles',
  about: `Load tester (the Go juggler-load): opens the connections, sends calls for the duration, waits for the calls
in flight to return or expire, then reports calls, ACKs, NACKs, results, expired calls, throughput
(results/s over the actual duration) and latency (CALL sent to RES received). Durations take Go forms:
10s, 100ms, 1m30s. Go's one-dash spelling (-addr, -r -1ms) is accepted.`,
  flags,
  async run(parsed, io) {
    const { config, json } = configFromFlags(parsed);
    const report = await runLoad(config, (line) => io.stderr.write(`${line}\n`), io.stopSignal);
    io.stdout.write(json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return 0;
  },
});
