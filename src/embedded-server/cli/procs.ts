// `--procs N` of `juggler server` and `juggler callee`: N processes of the command from one command line,
// so that a machine's every core works (issue 15, item 1). The first process becomes a supervisor (the
// node:cluster primary); it forks N workers that each run the command as usual, with their own redis
// connections and, for the server, their own server id and results list (juggler:results:{id}), so a
// result still reaches the process holding its connection. The supervisor:
//   - starts one worker first and the others once it is ready, so a bad flag or an unreachable redis is
//     reported once, with that worker's exit code;
//   - prints the ready lines ("listening on ws://...") once, when every worker is ready;
//   - on SIGTERM/SIGINT asks every worker to stop as it would alone (the server finishes in-flight calls
//     and closes sockets with 1001; the callee finishes its running calls) and exits after them;
//   - restarts a worker that died, after a backoff, and gives up (stopping the others, exit code 1) when
//     workers die more than MAX_RESTARTS times in RESTART_WINDOW_MS: never a half-working server silently;
//   - gathers every worker's counters when one of them answers GET /debug/vars or /metrics.
//
// Connections are spread by the primary, round-robin (node's default on Linux, cluster.SCHED_RR: it
// accepts and hands each socket to the next idle worker), not by the OS (SCHED_NONE: every worker
// accepts on the one shared socket, whoever wakes first). Past the accept both run the same code, so
// they differ only in the spread and in the primary's cost, one handle passed per connection and nothing
// per message. Measured with bench/rpc.ts --procs 2 --sched rr,none on this project's 2-core machine
// (load average 5 to 15): at 100 connections the busiest of two workers took 50 to 80% of them with
// round-robin (median of 11 runs 69%, one outlier 92%) and 52 to 92% with the OS (median of 10 runs 80%);
// at 1,000 connections both split them about evenly (OS 51%, round-robin 51 to 62%); throughput and CPU
// per round trip differed less between the two than between two runs of either. An uneven spread caps a
// server at its busiest process once processes have cores of their own, so round-robin, more even where
// there are few connections, is the default; NODE_CLUSTER_SCHED_POLICY=none|rr chooses otherwise.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { DebugSnapshot } from '../server/debug-endpoints';
import { type CommandIO, UsageError } from './command';
import { type CommandSpec, type FlagSpec, intFlag } from './flag-table';

export const procsFlag: FlagSpec = {
  name: 'procs',
  type: 'string',
  default: '1',
  value: 'N',
  description: 'processes to run, each a full one on its own core; auto: one per core',
};

/** More would be a typo, not a machine: each process holds its own redis connections. */
const MAX_PROCS = 256;
/** Restarts of dead workers allowed within RESTART_WINDOW_MS before the supervisor gives up. */
export const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** How long a gather waits for every worker's counters. */
const GATHER_TIMEOUT_MS = 2_000;
/** Set in a worker's environment: which command it runs and its number (1..N). */
const ENV_KIND = 'JUGGLER_PROCS_KIND';
const ENV_INDEX = 'JUGGLER_PROCS_INDEX';

/** --procs's value: a whole number ≥ 1, or auto (os.availableParallelism()). */
export function parseProcs(v: unknown): number {
  if (v === 'auto') return availableParallelism();
  const n = intFlag(procsFlag.name, v, 1);
  if (n > MAX_PROCS) throw new UsageError(`--procs must be at most ${MAX_PROCS}, got ${n}`);
  return n;
}

// ---- messages between the supervisor and its workers (node's IPC channel, JSON) --------------------

type ToWorker =
  | { juggler: 'stop'; signal?: NodeJS.Signals }
  | { juggler: 'snapshot'; id: number }
  | { juggler: 'gathered'; id: number; snapshots?: DebugSnapshot[]; error?: string };
type ToPrimary =
  | { juggler: 'ready'; text: string }
  | { juggler: 'snapshot'; id: number; snapshot: DebugSnapshot }
  | { juggler: 'gather'; id: number };

const isMsg = (m: unknown): m is { juggler: string } => typeof m === 'object' && m !== null && 'juggler' in m;

// ---- the worker side --------------------------------------------------------------------------------

/** This process' worker link, when it is a --procs worker. */
class WorkerLink {
  readonly stopped: Promise<NodeJS.Signals>;
  #snapshot: (() => DebugSnapshot) | undefined;
  #gathers = new Map<number, { resolve: (s: DebugSnapshot[]) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  constructor() {
    this.stopped = new Promise((resolve) => {
      process.on('message', (m: ToWorker) => {
        if (!isMsg(m)) return;
        if (m.juggler === 'stop') resolve(m.signal ?? 'SIGTERM');
        else if (m.juggler === 'snapshot' && this.#snapshot) this.#send({ juggler: 'snapshot', id: m.id, snapshot: this.#snapshot() });
        else if (m.juggler === 'gathered') {
          const g = this.#gathers.get(m.id);
          this.#gathers.delete(m.id);
          if (m.snapshots) g?.resolve(m.snapshots);
          else g?.reject(new Error(m.error ?? 'no answer from the supervisor'));
        }
      });
    });
  }

  #send(m: ToPrimary): void {
    if (process.connected) process.send!(m);
  }

  ready(text: string, snapshot?: () => DebugSnapshot): void {
    this.#snapshot = snapshot;
    this.#send({ juggler: 'ready', text });
  }

  gather(): Promise<DebugSnapshot[]> {
    if (!process.connected) return Promise.reject(new Error('the supervisor process is gone'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#gathers.delete(id);
        reject(new Error(`no answer from the supervisor within ${GATHER_TIMEOUT_MS * 2} ms`));
      }, GATHER_TIMEOUT_MS * 2);
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(t);
          f(v);
        };
      this.#gathers.set(id, { resolve: done(resolve), reject: done(reject) });
      this.#send({ juggler: 'gather', id });
    });
  }
}

let link: WorkerLink | undefined;
function workerLink(kind: string): WorkerLink | undefined {
  if (!cluster.isWorker || process.env[ENV_KIND] !== kind) return undefined;
  link ??= new WorkerLink();
  return link;
}

/**
 * Says the command is ready: printed at once by a lone process; in a --procs worker, handed to the
 * supervisor, which prints it once for all. `snapshot` gives this process' counters for /debug/vars.
 */
export function announceReady(io: CommandIO, text: string, snapshot?: () => DebugSnapshot): void {
  if (link) link.ready(text, snapshot);
  else io.stdout.write(text);
}

/** In a --procs server worker: how the debug endpoints get every process' counters. */
export function procsDebugGather(): (() => Promise<DebugSnapshot[]>) | undefined {
  return link ? () => link!.gather() : undefined;
}

// ---- the supervisor ---------------------------------------------------------------------------------

interface Slot {
  index: number;
  worker?: Worker;
  ready: boolean;
  /** Pending restart. */
  timer?: NodeJS.Timeout;
  /** The exit code of its last worker. */
  exitCode?: number;
}

class Supervisor {
  readonly #slots: Slot[];
  readonly #deaths: number[] = [];
  /** Every worker was ready once: from now on a dead one is restarted. */
  #running = false;
  #stopping = false;
  #signal: NodeJS.Signals | undefined;
  #failed: string | undefined;
  #waiters: (() => void)[] = [];
  #gatherId = 1;
  #gathers = new Map<number, { snapshots: DebugSnapshot[]; waiting: Set<Worker>; done: (err?: string) => void }>();

  constructor(
    readonly kind: string,
    readonly procs: number,
    readonly io: CommandIO,
  ) {
    this.#slots = Array.from({ length: procs }, (_, i) => ({ index: i + 1, ready: false }));
  }

  #log(line: string): void {
    this.io.stderr.write(`juggler ${this.kind}: ${line}\n`);
  }

  /** Something changed (a signal, a worker ready or gone): whoever waits looks again. */
  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  async #until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Forks the worker of a slot; resolves when it is ready (its ready text) or exits first (its code). */
  #fork(slot: Slot): Promise<{ text: string } | { code: number }> {
    const w = cluster.fork({ [ENV_KIND]: this.kind, [ENV_INDEX]: String(slot.index) });
    slot.worker = w;
    slot.ready = false;
    // a message to a worker that just died fails here: its exit, seen below, is what counts
    w.on('error', (err) => this.#log(`process ${slot.index} (pid ${w.process.pid}): ${err.message}`));
    return new Promise((resolve) => {
      w.on('message', (m: ToPrimary) => {
        if (!isMsg(m)) return;
        if (m.juggler === 'ready') {
          slot.ready = true;
          resolve({ text: m.text });
          this.#wake();
        } else if (m.juggler === 'gather') this.#gather(w, m.id);
        else if (m.juggler === 'snapshot') this.#snapshot(w, m.id, m.snapshot);
      });
      w.once('exit', (code, signal) => {
        slot.ready = false;
        slot.exitCode = code ?? 1;
        if (slot.worker === w) slot.worker = undefined;
        for (const [id, g] of this.#gathers) if (g.waiting.delete(w) && g.waiting.size === 0) this.#finishGather(id);
        resolve({ code: code ?? 1 });
        if (this.#running && !this.#stopping) this.#died(slot, w, code, signal as NodeJS.Signals | null);
        this.#wake();
      });
    });
  }

  /** A worker died while serving: restarted after a backoff, or, dying too often, the end of all. */
  #died(slot: Slot, w: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#failed !== undefined) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const now = Date.now();
    this.#deaths.push(now);
    while (this.#deaths.length && this.#deaths[0]! < now - RESTART_WINDOW_MS) this.#deaths.shift();
    if (this.#deaths.length > MAX_RESTARTS) {
      this.#failed = `process ${slot.index} (pid ${w.process.pid}) ${how}; ${this.#deaths.length} processes died within ${RESTART_WINDOW_MS / 1000} s: giving up, stopping the others`;
      this.#log(this.#failed);
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.#deaths.length - 1));
    this.#log(`process ${slot.index} (pid ${w.process.pid}) ${how}; restarting it in ${delay} ms`);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (this.#stopping || this.#failed !== undefined) return;
      void this.#fork(slot).then((r) => {
        // one that exits before it is ready is another death, seen by its exit handler
        if ('text' in r) this.#log(`process ${slot.index} restarted (pid ${slot.worker?.process.pid})`);
      });
    }, delay);
  }

  #gather(from: Worker, id: number): void {
    const gid = this.#gatherId++;
    const waiting = new Set(this.#slots.filter((s) => s.ready && s.worker).map((s) => s.worker!));
    const timer = setTimeout(
      () => this.#finishGather(gid, `${waiting.size} of the server processes did not answer within ${GATHER_TIMEOUT_MS} ms`),
      GATHER_TIMEOUT_MS,
    );
    const snapshots: DebugSnapshot[] = [];
    this.#gathers.set(gid, {
      snapshots,
      waiting,
      done: (error) => {
        clearTimeout(timer);
        if (from.isConnected())
          from.send((error ? { juggler: 'gathered', id, error } : { juggler: 'gathered', id, snapshots }) satisfies ToWorker);
      },
    });
    if (waiting.size === 0) {
      this.#finishGather(gid);
      return;
    }
    for (const w of waiting) if (w.isConnected()) w.send({ juggler: 'snapshot', id: gid } satisfies ToWorker);
  }

  #snapshot(from: Worker, gid: number, snapshot: DebugSnapshot): void {
    const g = this.#gathers.get(gid);
    if (!g?.waiting.delete(from)) return;
    g.snapshots.push(snapshot);
    if (g.waiting.size === 0) this.#finishGather(gid);
  }

  #finishGather(gid: number, error?: string): void {
    const g = this.#gathers.get(gid);
    if (!g) return;
    this.#gathers.delete(gid);
    g.done(error);
  }

  #live(): Worker[] {
    return this.#slots.flatMap((s) => (s.worker && !s.worker.isDead() ? [s.worker] : []));
  }

  /** Asks every worker to stop as it would alone, and resolves with their exit codes once all are gone. */
  async #stopAll(): Promise<(number | null)[]> {
    this.#stopping = true;
    for (const s of this.#slots) clearTimeout(s.timer);
    return Promise.all(
      this.#live().map(
        (w) =>
          new Promise<number | null>((resolve) => {
            w.once('exit', (code) => resolve(code));
            if (w.isConnected()) w.send({ juggler: 'stop', signal: this.#signal } satisfies ToWorker);
            else w.process.kill('SIGTERM');
          }),
      ),
    );
  }

  async run(): Promise<number> {
    if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_RR;
    void this.io.stopSignal.then((s) => {
      this.#signal = s;
      this.#wake();
      // a second signal: stop waiting for graceful ends
      const force = () => {
        for (const w of this.#live()) w.process.kill('SIGKILL');
      };
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
    });
    const stopped = () => this.#signal !== undefined;

    // node forks workers with this process' arguments, --procs included: a worker parses them as
    // usual and knows from its environment that it is a worker. One first, so that a configuration error is
    // reported once, by it, then the others.
    let readyText: string | undefined;
    void this.#fork(this.#slots[0]!).then((r) => {
      if ('text' in r) readyText = r.text;
    });
    await this.#until(() => stopped() || this.#slots[0]!.ready || !this.#slots[0]!.worker);
    if (!stopped() && !this.#slots[0]!.ready) {
      // the first worker exited before it was ready: it said why
      this.#stopping = true;
      await this.#until(() => this.#slots[0]!.worker === undefined);
      return this.#slots[0]!.exitCode || 1;
    }
    if (!stopped()) {
      for (const s of this.#slots.slice(1)) void this.#fork(s);
      await this.#until(() => stopped() || this.#slots.every((s) => s.ready) || this.#slots.some((s) => !s.worker));
      if (!stopped() && this.#slots.some((s) => !s.worker)) {
        this.#log('a process could not start: stopping the others');
        await this.#stopAll();
        return 1;
      }
    }
    if (!stopped()) {
      this.#running = true;
      const pids = this.#slots.map((s) => s.worker?.process.pid).join(', ');
      this.io.stdout.write(`${this.procs} ${this.kind} processes, pids ${pids}\n${readyText ?? ''}`);
      await this.#until(() => stopped() || this.#failed !== undefined);
    }
    if (this.#signal) this.io.stdout.write(`${this.#signal}: stopping ${this.procs} ${this.kind} processes\n`);
    const codes = await this.#stopAll();
    if (this.#failed !== undefined) return 1;
    const bad = codes.filter((c) => c !== 0);
    if (bad.length) {
      this.#log(`${bad.length} of ${codes.length} processes exited with an error (codes ${bad.join(', ')})`);
      return 1;
    }
    return 0;
  }
}

/**
 * `spec` with a --procs N flag in its table. The command itself calls announceReady() with its ready
 * lines and, for the server, passes procsDebugGather() to its debug endpoints; it stops on
 * io.stopSignal as usual.
 */
export function withProcs(spec: CommandSpec): CommandSpec {
  return {
    ...spec,
    flags: [...spec.flags, procsFlag],
    run(parsed, io) {
      const procs = parseProcs(parsed.values[procsFlag.name]);
      const worker = workerLink(spec.name);
      if (worker) {
        const stopSignal = Promise.race([io.stopSignal, worker.stopped]);
        return spec.run(parsed, { ...io, stopSignal });
      }
      if (procs === 1) return spec.run(parsed, io);
      return new Supervisor(spec.name, procs, io).run();
    },
  };
}
