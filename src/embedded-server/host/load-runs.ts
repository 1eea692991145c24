// Load runs started from the Studio's Metrics view: the same load tester as `juggler load`, against
// the Studio's own server, reporting progress as bridge events so the charts move while it runs.
import { type LoadParams, type LoadProgressEvent, noLatency, noLoadCounts } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { runLoad } from '../cli/load';

export class LoadRuns {
  readonly #running = new Map<string, () => void>();
  #seq = 0;

  constructor(
    private readonly serverUrl: () => string,
    private readonly emit: (p: LoadProgressEvent) => void,
  ) {}

  start(params: LoadParams): { loadId: string } {
    if (this.#running.size > 0)
      throw new BridgeError(BridgeErrorCode.Failed, 'a load run is already going: stop it first (one at a time keeps the figures honest)');
    const loadId = `load-${++this.#seq}`;
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    let wasStopped = false;
    this.#running.set(loadId, () => {
      wasStopped = true;
      stop();
    });
    const empty = { ...noLatency };
    const base = { loadId, params, ...noLoadCounts };
    this.emit({ ...base, state: 'running', elapsedMs: 0, throughput: 0, latencyMs: empty });
    runLoad(
      {
        addr: this.serverUrl(),
        connections: params.connections,
        durationMs: params.durationMs,
        rateMs: params.rateMs,
        uri: params.uri,
        uris: [params.uri],
        payload: params.payload,
        timeoutMs: params.timeoutMs,
      },
      () => undefined,
      stopped,
      (p) => this.emit({ ...base, ...p, state: 'running', throughput: p.recentThroughput, latencyMs: p.latencyMs }),
    )
      .then(
        (r) =>
          this.emit({
            ...base,
            state: wasStopped ? 'stopped' : 'done',
            elapsedMs: r.actualDurationMs,
            calls: r.calls,
            acks: r.acks,
            nacks: r.nacks,
            results: r.results,
            errorResults: r.errorResults,
            expired: r.expired,
            failed: r.failed,
            throughput: r.throughput,
            latencyMs: r.latencyMs,
          }),
        (err: Error) => this.emit({ ...base, state: 'failed', elapsedMs: 0, throughput: 0, latencyMs: empty, error: err.message }),
      )
      .finally(() => this.#running.delete(loadId));
    return { loadId };
  }

  stop(loadId: string): { loadId: string } {
    const s = this.#running.get(loadId);
    if (!s) throw new BridgeError(BridgeErrorCode.NotFound, `load run ${loadId} is not running`);
    s();
    return { loadId };
  }

  stopAll(): void {
    for (const s of this.#running.values()) s();
  }
}
