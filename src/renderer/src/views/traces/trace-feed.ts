// Feeds a TraceView from the bridge and carries out the view's actions on the host. On start (and
// after a lost connection) it loads the recent events with trace.batch in pages, while the live
// `trace` batches that arrive meanwhile wait; then it follows the live stream. Both come as columns
// (trace-batch.ts), which the view copies into its own without an object per event. The view drops
// what it already holds by seq, so the overlap between the two is harmless.

import type { CallOutcome } from '../../../../shared/bridge/contract';
import type { TraceBatch } from '../../../../shared/trace/trace-batch';
import type { BridgeLike } from '../../bridge/bridge-like';
import type { LinkState } from '../../bridge/transport';
import type { TraceView } from './trace-view';

export interface FeedLink {
  onState(cb: (state: LinkState) => void): () => void;
}

export interface TraceFeedOptions {
  /** Recent events loaded on start. Default 50,000. */
  initialLimit?: number;
  /** Events per trace.events call (the host's limit is 100,000). Default 10,000. */
  pageSize?: number;
  /** Name of the playground client the view connects for "resend" when none is open. */
  resendClientName?: string;
  /**
   * Most events per live batch while the view follows (not paused, no filter): a log following a
   * flood shows a screenful of the newest rows a few times a second, so the host sends only the
   * newest of each batch (trace.follow). Default 256 (5,120 events/s at a batch every 50 ms).
   */
  followBatch?: number;
}

export class TraceFeed {
  readonly #initialLimit: number;
  readonly #pageSize: number;
  readonly #resendClientName: string;
  readonly #followBatch: number;
  /** What the host was last told (undefined: nothing yet, or the link was lost since). */
  #told: number | null | undefined;
  /** Live batches held while a load runs. */
  #waiting: TraceBatch[] | undefined;
  #offs: (() => void)[] = [];
  #loads = 0;
  #statsAt = Number.NEGATIVE_INFINITY;
  #statsInFlight = false;

  constructor(
    readonly client: BridgeLike,
    readonly view: TraceView,
    o: TraceFeedOptions = {},
  ) {
    this.#initialLimit = o.initialLimit ?? 50_000;
    this.#pageSize = o.pageSize ?? 10_000;
    this.#resendClientName = o.resendClientName ?? 'traces resend';
    this.#followBatch = o.followBatch ?? 256;
    view.setChainLoader((corr) => client.call('trace.chain', { corr }));
  }

  /**
   * Follows the host; with a link, loads again after each reconnection (`open`: the link is up
   * already, load now). Returns stop.
   */
  start(link?: FeedLink, o: { open?: boolean } = {}): () => void {
    this.#offs.push(
      this.client.on('trace', (batch) => {
        if (this.#waiting) this.#waiting.push(batch);
        else this.view.ingestBatch(batch, { live: true });
        this.#refreshStats();
      }),
      this.client.on('status', (s) => this.view.setStats(s.trace)),
      this.view.store.subscribe((s, prev) => {
        if (s.paused !== prev.paused || s.filtering !== prev.filtering) this.#tellFollow();
      }),
    );
    if (link) {
      let first = !o.open;
      if (o.open) {
        this.#tellFollow();
        void this.load().catch((err: Error) => this.#fail('loading the trace', err));
      }
      this.#offs.push(
        link.onState((s) => {
          if (s !== 'open') return;
          this.#told = undefined;
          this.#tellFollow();
          void this.load(first ? {} : { fromSeq: this.view.lastSeq + 1 }).catch((err: Error) => this.#fail('loading the trace', err));
          first = false;
        }),
      );
    } else {
      this.#tellFollow();
      void this.load().catch((err: Error) => this.#fail('loading the trace', err));
    }
    return () => this.stop();
  }

  /**
   * Tells the host how much of a flood this view takes: following (not paused, no filter) the newest
   * `followBatch` of each batch; paused or filtering, every event (the resumed log and the filter's
   * matches must be whole).
   */
  #tellFollow(): void {
    const s = this.view.store.getState();
    const maxBatch = s.paused || s.filtering ? null : this.#followBatch;
    if (maxBatch === this.#told) return;
    this.#told = maxBatch;
    this.client.call('trace.follow', { maxBatch }).catch(() => {
      // the link state shows a lost host; the next connection tells it again
      this.#told = undefined;
    });
  }

  stop(): void {
    for (const off of this.#offs) off();
    this.#offs = [];
  }

  /**
   * Loads held events (the most recent `initialLimit`; with `all`, every one; never before `fromSeq`),
   * then replays what came live meanwhile.
   */
  async load(o: { fromSeq?: number; all?: boolean } = {}): Promise<void> {
    const load = ++this.#loads;
    this.#waiting ??= [];
    this.view.setLoading(true);
    try {
      const stats = await this.client.call('trace.stats');
      this.view.setStats(stats);
      // the host restarted or loaded a session: what the view holds is not the host's any more
      if (stats.recorded < this.view.lastSeq) this.view.reset();
      let from = Math.max(o.fromSeq ?? 1, o.all ? 1 : stats.recorded - this.#initialLimit + 1);
      for (;;) {
        const page = await this.client.call('trace.batch', { fromSeq: from, limit: this.#pageSize });
        if (load !== this.#loads) return;
        this.view.ingestBatch(page);
        const last = page.seq[page.n - 1];
        const firstLive = this.#waiting?.[0]?.seq[0];
        if (last === undefined || page.n < this.#pageSize || (firstLive !== undefined && last >= firstLive)) break;
        from = last + 1;
      }
    } finally {
      if (load === this.#loads) {
        const waiting = this.#waiting ?? [];
        this.#waiting = undefined;
        for (const batch of waiting) this.view.ingestBatch(batch, { live: true });
        this.view.setLoading(false);
      }
    }
  }

  /**
   * The bus's counters (drops above all) at most once a second while traffic flows, not only when the
   * host's status event comes: a drop must show while it happens.
   */
  #refreshStats(): void {
    const now = Date.now();
    if (this.#statsInFlight || now - this.#statsAt < 1000) return;
    this.#statsAt = now;
    this.#statsInFlight = true;
    this.client.call('trace.stats').then(
      (stats) => {
        this.#statsInFlight = false;
        this.view.setStats(stats);
      },
      () => {
        // the link state shows a lost host; the next batch asks again
        this.#statsInFlight = false;
      },
    );
  }

  #fail(what: string, err: Error): void {
    this.view.setNotice({ tone: 'err', text: `${what} failed: ${err.message}` });
  }

  async #run<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (err) {
      this.#fail(what, err as Error);
      return undefined;
    }
  }

  async setEnabled(enabled: boolean): Promise<void> {
    await this.#run(enabled ? 'switching the trace on' : 'switching the trace off', async () => {
      this.view.setStats(await this.client.call('trace.setEnabled', { enabled }));
      if (enabled) this.view.setImported(undefined);
      this.view.setNotice(undefined);
    });
  }

  async clear(): Promise<void> {
    await this.#run('clearing the trace', async () => {
      const stats = await this.client.call('trace.clear');
      this.view.reset();
      this.view.setStats(stats);
      this.view.setImported(undefined);
      this.view.setNotice({ tone: 'ok', text: 'Trace cleared on the host.' });
    });
  }

  /** The session as NDJSON (the caller saves it). */
  async exportSession(): Promise<{ ndjson: string; count: number } | undefined> {
    return this.#run('exporting the trace', () => this.client.call('trace.export'));
  }

  /** Sends an exported session to the host, which shows it instead of recording. */
  async importSession(ndjson: string, file?: string): Promise<number | undefined> {
    return this.#run('importing the trace', async () => {
      const { count } = await this.client.call('trace.import', { ndjson });
      this.view.reset();
      this.view.setImported({ count, ...(file ? { file } : {}) });
      this.view.setNotice(undefined);
      // an imported session may be larger than a normal initial load: show all of it up to the view's capacity
      await this.load({ all: true });
      return count;
    });
  }

  /** Sends a traced CALL again from a playground client (connecting one when none is open). */
  async resend(seq: number): Promise<CallOutcome | undefined> {
    return this.#run('resending the call', async () => {
      const clients = await this.client.call('clients.list');
      const open = clients.find((c) => c.state === 'open');
      const clientId = open?.clientId ?? (await this.client.call('clients.connect', { name: this.#resendClientName })).clientId;
      const outcome = await this.client.call('clients.resend', { clientId, seq });
      this.view.setNotice(
        outcome.ok
          ? { tone: 'ok', text: `Resent as ${outcome.uuid}: ok in ${outcome.latencyMs.toFixed(1)} ms` }
          : { tone: 'err', text: `Resent as ${outcome.uuid}: ${outcome.error?.code ?? 'failed'} ${outcome.error?.message ?? ''}` },
      );
      return outcome;
    });
  }
}
