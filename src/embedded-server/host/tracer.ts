// The host's side of tracing: hands each engine part the trace adapter it needs, and keeps the few
// summaries the UI wants without scanning the bus (per-URI run durations of the demo callee).
import type { SyncChange } from '../../shared/bridge/contract';
import type { RedisTrace } from '../../shared/trace/events';
import type { RedisOp } from '../broker/redis/options';
import type { Invocation } from '../callee/callee';
import type { JugglerClient } from '../client/client';
import type { PlaygroundInvocation } from '../playground/playground';
import type { ServerHooks } from '../server/server';
import { brokerOnOp, calleeOnInvocation, clientFrames, serverHooks, tracedPatch } from '../trace/adapters';
import type { TraceBus } from '../trace/trace-bus';

/** Durations of the last 1000 runs per URI, for avg and p95 in the Callees view. */
class Durations {
  static readonly KEEP = 1000;
  // a ring per URI: the splice that kept the last 1000 moved 999 numbers on every run
  readonly #byUri = new Map<string, { ms: Float64Array; n: number }>();
  add(uri: string, ms: number): void {
    let r = this.#byUri.get(uri);
    if (!r) {
      r = { ms: new Float64Array(Durations.KEEP), n: 0 };
      this.#byUri.set(uri, r);
    }
    r.ms[r.n % Durations.KEEP] = ms;
    r.n++;
  }
  summary(uri: string): { avgMs: number; p95Ms: number } {
    const r = this.#byUri.get(uri);
    if (!r || r.n === 0) return { avgMs: 0, p95Ms: 0 };
    const a = r.ms.slice(0, Math.min(r.n, Durations.KEEP));
    const avgMs = a.reduce((s, x) => s + x, 0) / a.length;
    a.sort();
    return { avgMs, p95Ms: a[Math.min(a.length - 1, Math.floor(a.length * 0.95))]! };
  }
}

export class HostTracer {
  readonly #durations = new Durations();
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
    });
  }

  playgroundInvocations(): (inv: PlaygroundInvocation) => void {
    const record = calleeOnInvocation(this.bus, 'playground');
    // a killed run is its own outcome in the trace; the runtime's Invocation has no such outcome
    return (inv) => {
      if (!this.bus.enabled) return;
      if (inv.outcome === 'killed') {
        this.bus.record({
          kind: 'callee',
          calleeId: 'playground',
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

  client(clientId: string, client: JugglerClient): void {
    this.#clientOffs.get(clientId)?.();
    this.#clientOffs.set(clientId, clientFrames(this.bus, client, clientId));
  }

  syncChange(c: SyncChange): void {
    if (!this.bus.enabled) return;
    this.bus.record({
      kind: 'sync',
      peerId: c.peerId,
      replica: c.replica,
      revision: c.revision,
      ...tracedPatch(c.patch),
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
