// The recent runs of each callee URI, for the Callees view: args, result or error (with the user's
// stack), duration. Bounded: a ring of runs per URI, each text cut to a limit, and a cap on URIs, so a
// busy callee or huge args cannot grow the host.
import type { CalleeRun } from '../../shared/bridge/contract';

export interface CalleeRunsOptions {
  /** Runs kept per URI. Default 50. */
  perUri?: number;
  /** Characters kept of args, result, error and stack each. Default 4,096. */
  textLimit?: number;
  /** URIs kept (the least recently run go first). Default 200. */
  maxUris?: number;
}

/** What a callee runtime reports of a run (Invocation and UserCalleeInvocation both fit). */
export interface RunReport {
  uri: string;
  msgUUID: string;
  durationMs: number;
  outcome: CalleeRun['outcome'];
  error?: string;
  stack?: string;
  argsText?: string;
  resultText?: string;
  version?: number;
}

export class CalleeRuns {
  readonly #rings = new Map<string, CalleeRun[]>();
  readonly #perUri: number;
  readonly #textLimit: number;
  readonly #maxUris: number;

  constructor(o: CalleeRunsOptions = {}) {
    this.#perUri = o.perUri ?? 50;
    this.#textLimit = o.textLimit ?? 4096;
    this.#maxUris = o.maxUris ?? 200;
  }

  add(r: RunReport, at = Date.now()): void {
    const run: CalleeRun = { uri: r.uri, msgUUID: r.msgUUID, at, durationMs: r.durationMs, outcome: r.outcome };
    const cut: ('args' | 'result')[] = [];
    if (r.argsText !== undefined) {
      run.args = this.#cut(r.argsText);
      if (run.args.length < r.argsText.length) cut.push('args');
    }
    if (r.resultText !== undefined) {
      run.result = this.#cut(r.resultText);
      if (run.result.length < r.resultText.length) cut.push('result');
    }
    if (r.error !== undefined) run.error = this.#cut(r.error);
    if (r.stack !== undefined) run.stack = this.#cut(r.stack);
    if (r.version !== undefined) run.version = r.version;
    if (cut.length) run.cut = cut;
    let ring = this.#rings.get(r.uri);
    if (ring)
      this.#rings.delete(r.uri); // re-inserted last: the map's order is the order of last runs
    else {
      ring = [];
      if (this.#rings.size >= this.#maxUris) this.#rings.delete(this.#rings.keys().next().value as string);
    }
    this.#rings.set(r.uri, ring);
    ring.push(run);
    if (ring.length > this.#perUri) ring.shift();
  }

  /** Newest first. */
  list(uri: string, errorsOnly = false): CalleeRun[] {
    const ring = this.#rings.get(uri) ?? [];
    const out = errorsOnly ? ring.filter((r) => r.outcome !== 'ok') : ring.slice();
    return out.reverse();
  }

  forget(uri: string): void {
    this.#rings.delete(uri);
  }

  #cut(text: string): string {
    return text.length > this.#textLimit ? text.slice(0, this.#textLimit) : text;
  }
}
