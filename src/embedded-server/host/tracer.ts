// The host's side of tracing: hands each engine part the trace adapter it needs, and keeps the few
// summaries the UI wants without scanning the bus (per-URI run durations of the demo callee).
import type { SyncChange } from '../../shared/bridge/contract';
import type { RedisTrace } from '../../shared/trace/events';
import type { RedisOp } from '../broker/redis/options';
import type { Invocation } from '../callee/callee';
import type { JugglerClient } from '../client/client';
import type { ServerHooks } from '../server/server';
import { brokerOnOp, calleeOnInvocation, clientFrames, serverHooks, tracedPatch } from '../trace/adapters';
import type { TraceBus } from '../trace/trace-bus';
import { DurationStats } from '../user-callees/duration-stats';
import type { UserCalleeInvocation } from '../user-callees/user-callees';
import { CalleeRuns } from './callee-runs';

/** Durations per URI, for avg and p95 in the Callees view: the statistic user callees use too. */
class Durations {
  readonly #byUri = new Map<string, DurationStats>();
  add(uri: string, ms: number): void {
    let d = this.#byUri.get(uri);
    if (!d) {
      d = new DurationStats();
      this.#byUri.set(uri, d);
    }
    d.add(ms);
  }
  summary(uri: string): { avgMs: number; p95Ms: number } {
    const d = this.#byUri.get(uri);
    return d ? { avgMs: d.avgMs, p95Ms: d.p95Ms } : { avgMs: 0, p95Ms: 0 };
  }
}

export class HostTracer {
  readonly #durations = new Durations();
  /** Each callee URI's recent runs (args, result, error, stack), kept whether tracing is on or off. */
  readonly runs = new CalleeRuns();
  readonly #clientOffs = new Map<string, () => void>();

  constructor(readonly bus: TraceBus) {}

  serverHooks(): ServerHooks {
    return serverHooks(this.bus);
  }

  redisOps(role: RedisTrace['role']): (op: RedisOp) => void {
    return brokerOnOp(this.bus, role);
  }

  calleeInvocations(calleeId: string): (inv: Invocation) => void {
    return calleeOnInvocation(this.bus, calleeId, (inv) => {
      if (inv.outcome !== 'expired') this.#durations.add(inv.uri, inv.durationMs);
      this.runs.add(inv);
    });
  }

  userCalleeInvocations(): (inv: UserCalleeInvocation) => void {
    const record = calleeOnInvocation(this.bus, 'user');
    // a killed run is its own outcome in the trace; the runtime's Invocation has no such outcome
    return (inv) => {
      this.runs.add(inv);
      if (!this.bus.enabled) return;
      if (inv.outcome === 'killed') {
        this.bus.record({
          kind: 'callee',
          calleeId: 'user',
          uri: inv.uri,
          durationMs: inv.durationMs,
          outcome: 'killed',
          error: inv.error,
          corr: inv.msgUUID,
        });
        return;
      }
      record({ ...inv, outcome: inv.outcome });
    };
  }

  /** Traces a Studio client's frames as the connection `traceName` (the name the user gave it). */
  client(clientId: string, client: JugglerClient, traceName: string): void {
    this.#clientOffs.get(clientId)?.();
    this.#clientOffs.set(clientId, clientFrames(this.bus, client, traceName));
  }

  /** A Studio client that never connected: a closed connection with the reason, so Traces shows why. */
  clientConnectFailed(traceName: string, url: string, reason: string): void {
    if (!this.bus.enabled) return;
    this.bus.record({ kind: 'conn', proto: 'juggler', side: 'client', connId: traceName, state: 'closed', reason, remote: url });
  }

  syncChange(c: SyncChange): void {
    if (!this.bus.enabled) return;
    this.bus.record({
      kind: 'sync',
      peerId: c.peerId,
      replica: c.replica,
      revision: c.revision,
      ...tracedPatch(c.patch, this.bus.textLimit),
    });
  }

  syncFrame(peerId: string, dir: 'in' | 'out', text: string): void {
    if (!this.bus.enabled) return;
    let type: string | undefined;
    try {
      type = (JSON.parse(text) as { type?: string }).type;
    } catch {
      type = undefined;
    }
    const truncated = text.length > this.bus.textLimit;
    this.bus.record({
      kind: 'frame',
      proto: 'sync',
      side: 'client',
      connId: peerId,
      dir,
      type,
      size: Buffer.byteLength(text),
      text: truncated ? this.bus.cutText(text) : text,
      ...(truncated ? { truncated } : {}),
    });
  }

  log(level: 'info' | 'warn' | 'error', source: string, message: string): void {
    if (this.bus.enabled) this.bus.record({ kind: 'log', level, source, message });
  }

  durations(uri: string): { avgMs: number; p95Ms: number } {
    return this.#durations.summary(uri);
  }
}
