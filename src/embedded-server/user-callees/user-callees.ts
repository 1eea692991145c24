// User callees: handlers the user writes in the Studio (JavaScript or TypeScript module
// bodies), each served under its URI by a Callee of its own and run in worker threads with time and
// memory limits (see worker-source.ts for what that isolation is, and is not). Saving a handler
// compiles it, loads it in a fresh worker, and only then swaps it in with Callee.register, so popping
// never stops and a broken edit never replaces a working version. Handlers persist in dataDir.
import type { CalleeBroker } from '../broker/broker';
import { Callee, type Invocation, type Thunk } from '../callee/callee';
import { compileHandler, type Diagnostic, HANDLER_LANGUAGES, type HandlerLanguage } from './compile';
import { DurationStats } from './duration-stats';
import { HandlerError, HandlerKilledError, type KillReason, UserCalleeError } from './errors';
import { HandlerPool } from './handler-pool';
import { HandlerStore, type StoredHandler } from './handler-store';
import { HandlerLoadError } from './handler-worker';
import { type UserCalleeLimits, withDefaultLimits } from './limits';
import { SourcePositions } from './source-positions';
import type { LogLevel } from './worker-source';

export interface UserCalleeInvocation {
  uri: string;
  /** The handler version that ran the call (the current one for calls that expired unread). */
  version: number;
  msgUUID: string;
  /** performance.now() at pop, start and end of the run. */
  poppedAt: number;
  startedAt: number;
  durationMs: number;
  /** `killed`: the worker was terminated or died during the call; the caller got an error result. */
  outcome: 'ok' | 'error' | 'expired' | 'killed';
  killReason?: KillReason;
  error?: string;
  /** The handler's stack for a thrown error, with positions in the user's source. */
  stack?: string;
  /** The call's args and the result pushed, as JSON text (see Invocation). */
  argsText?: string;
  resultText?: string;
}

export interface UserCalleeLog {
  uri: string;
  version: number;
  level: LogLevel;
  text: string;
  /** The call being run when the line was written, if one was. */
  msgUUID?: string;
  /** Date.now() when the host received it. */
  at: number;
}

export interface HandlerMetrics {
  /** Calls taken, including expired ones. */
  invocations: number;
  /** Calls answered with an error result because the handler threw (killed calls not included). */
  errors: number;
  killed: number;
  expired: number;
  /** Over the calls that ran (ok, error, killed), ms. */
  avgMs: number;
  p95Ms: number;
  /** Worker threads alive for the current version. */
  workers: number;
}

export interface HandlerInfo {
  uri: string;
  language: HandlerLanguage;
  source: string;
  version: number;
  /** ISO 8601. */
  updatedAt: string;
  /** Taking calls now. */
  running: boolean;
  /** stop() was called (persisted). */
  stopped: boolean;
  /** Why the stored source could not be loaded when the user callees opened; save() a fix. */
  error?: Diagnostic[];
  metrics: HandlerMetrics;
}

export type SaveResult =
  | { ok: true; uri: string; version: number; warnings: Diagnostic[] }
  | {
      ok: false;
      uri: string;
      /** COMPILE_ERROR: esbuild refused the source. LOAD_ERROR: the module body threw, exported no function, or did not finish. */
      code: 'COMPILE_ERROR' | 'LOAD_ERROR';
      diagnostics: Diagnostic[];
      /** The version that keeps serving, if there is one. */
      servingVersion?: number;
    };

export interface UserCalleesOptions {
  /** Its callees' broker: only the callee role (the UserCallees serves calls, it makes none). */
  broker: CalleeBroker;
  /** Handlers are stored in `<dataDir>/callees/`. */
  dataDir: string;
  onInvocation?: (inv: UserCalleeInvocation) => void;
  onLog?: (log: UserCalleeLog) => void;
  /** Redis errors of the callees, and unreadable handler files. Default: logged with console.error. */
  onError?: (err: Error) => void;
  limits?: Partial<UserCalleeLimits>;
}

interface CallTrack {
  version: number;
  killed?: KillReason;
  stack?: string;
}

interface Entry {
  stored: StoredHandler;
  pool?: HandlerPool;
  callee?: Callee;
  loadError?: Diagnostic[];
  counts: { invocations: number; errors: number; killed: number; expired: number };
  durations: DurationStats;
  /** Calls being run, by msg UUID, until their invocation is reported. */
  calls: Map<string, CallTrack>;
}

type Loaded =
  | { ok: true; pool: HandlerPool; positions: SourcePositions; warnings: Diagnostic[] }
  | { ok: false; code: 'COMPILE_ERROR' | 'LOAD_ERROR'; diagnostics: Diagnostic[] };

const MAX_URI_LENGTH = 1024;
/** Calls tracked per URI at most: the oldest are forgotten if invocations are never reported. */
const MAX_TRACKED_CALLS = 10_000;

function checkUri(uri: unknown): asserts uri is string {
  if (typeof uri !== 'string' || uri.length === 0) throw new UserCalleeError('INVALID_URI', 'a handler URI must be a non-empty string');
  if (uri.length > MAX_URI_LENGTH)
    throw new UserCalleeError('INVALID_URI', `a handler URI must be at most ${MAX_URI_LENGTH} characters, got ${uri.length}`);
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new UserCalleeError('INVALID_URI', `a handler URI must not hold control characters (at index ${i})`);
  }
}

export class UserCallees {
  readonly #o: UserCalleesOptions;
  readonly #limits: UserCalleeLimits;
  readonly #store: HandlerStore;
  readonly #entries = new Map<string, Entry>();
  /** Operations on one URI run one after the other. */
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #retiring = new Set<HandlerPool>();
  #closed = false;
  /** Settles when the stored handlers are loaded (rejects if dataDir cannot be read). */
  readonly ready: Promise<void>;

  /** Starts loading the stored handlers; methods wait for that. UserCallees.open() waits too. */
  constructor(o: UserCalleesOptions) {
    this.#o = o;
    this.#limits = withDefaultLimits(o.limits);
    this.#store = new HandlerStore(o.dataDir);
    this.ready = this.#loadStored();
    this.ready.catch(() => undefined); // reported by open() and by every method that waits for it
  }

  static async open(o: UserCalleesOptions): Promise<UserCallees> {
    const p = new UserCallees(o);
    await p.ready;
    return p;
  }

  get limits(): Readonly<UserCalleeLimits> {
    return this.#limits;
  }

  #error(err: Error): void {
    if (this.#o.onError) this.#o.onError(err);
    else console.error(`[user callees] ${err.message}`);
  }

  async #loadStored(): Promise<void> {
    const stored = await this.#store.load((file, err) => this.#error(new Error(`skipped the handler file ${file}: ${err.message}`)));
    // a few at a time: each one starts a worker thread
    for (let i = 0; i < stored.length; i += 4) {
      await Promise.all(
        stored.slice(i, i + 4).map(async (s) => {
          const e = this.#newEntry(s);
          this.#entries.set(s.uri, e);
          const loaded = await this.#load(s.uri, s.source, s.language, s.version);
          if (loaded.ok) this.#install(e, s, loaded);
          else e.loadError = loaded.diagnostics;
        }),
      );
    }
  }

  #newEntry(stored: StoredHandler): Entry {
    return {
      stored,
      counts: { invocations: 0, errors: 0, killed: 0, expired: 0 },
      durations: new DurationStats(),
      calls: new Map(),
    };
  }

  /** Compiles a source and loads it in a first worker. */
  async #load(uri: string, source: string, language: HandlerLanguage, version: number): Promise<Loaded> {
    const filename = `${uri}.${language}`;
    const c = await compileHandler(source, language, filename);
    if (!c.ok) return { ok: false, code: 'COMPILE_ERROR', diagnostics: c.diagnostics };
    const positions = new SourcePositions(filename, c.map, source);
    const pool = new HandlerPool({
      init: { code: c.code, filename, uri, allowedModules: this.#limits.allowedModules, maxLogChars: this.#limits.maxLogChars },
      limits: this.#limits,
      onLog: (l) => this.#o.onLog?.({ uri, version, level: l.level, text: l.text, msgUUID: l.msgUUID, at: Date.now() }),
    });
    try {
      await pool.warm();
    } catch (err) {
      pool.close();
      if (!(err instanceof HandlerLoadError)) throw err;
      return { ok: false, code: 'LOAD_ERROR', diagnostics: [positions.diagnostic(err.message, err.userStack)] };
    }
    return { ok: true, pool, positions, warnings: c.warnings };
  }

  /** Makes `pool` serve the URI: swapped in place when a Callee already pops for it. */
  #install(e: Entry, stored: StoredHandler, { pool, positions }: { pool: HandlerPool; positions: SourcePositions }): void {
    const old = e.pool;
    e.stored = stored;
    e.pool = pool;
    e.loadError = undefined;
    const thunk = this.#thunk(e, pool, positions, stored.version);
    if (e.callee) {
      e.callee.register(stored.uri, thunk);
    } else {
      e.callee = new Callee({
        broker: this.#o.broker,
        handlers: { [stored.uri]: thunk },
        // a few calls popped per worker hide redis round trips; the rest wait in redis, where stop() leaves them
        workers: this.#limits.concurrency * this.#limits.prefetch,
        onInvocation: (inv) => this.#report(e, inv),
        onError: (err) => this.#error(err),
      });
      if (!stored.stopped) e.callee.start();
    }
    if (old) {
      this.#retiring.add(old);
      old.retire().finally(() => this.#retiring.delete(old));
    }
  }

  #thunk(e: Entry, pool: HandlerPool, positions: SourcePositions, version: number): Thunk {
    const uri = e.stored.uri;
    return async (args, ctx) => {
      const track: CallTrack = { version };
      if (e.calls.size >= MAX_TRACKED_CALLS) e.calls.delete(e.calls.keys().next().value as string);
      e.calls.set(ctx.msgUUID, track);
      // keep back a little of the call's time so that a killed call's error result still gets stored
      const margin = Math.min(this.#limits.resultMarginMs, ctx.ttlMs / 4);
      try {
        const text = await pool.run(args, { uri, msgUUID: ctx.msgUUID, ttlMs: ctx.ttlMs }, performance.now() + ctx.ttlMs - margin);
        return JSON.parse(text);
      } catch (err) {
        if (err instanceof HandlerKilledError) track.killed = err.reason;
        else if (err instanceof HandlerError && err.userStack) track.stack = positions.mapStack(err.userStack);
        throw err;
      }
    };
  }

  #report(e: Entry, inv: Invocation): void {
    const track = e.calls.get(inv.msgUUID);
    e.calls.delete(inv.msgUUID);
    const outcome = track?.killed ? 'killed' : inv.outcome;
    e.counts.invocations++;
    if (outcome === 'expired') e.counts.expired++;
    else e.durations.add(inv.durationMs);
    if (outcome === 'error') e.counts.errors++;
    if (outcome === 'killed') e.counts.killed++;
    const out: UserCalleeInvocation = {
      uri: inv.uri,
      version: track?.version ?? e.stored.version,
      msgUUID: inv.msgUUID,
      poppedAt: inv.poppedAt,
      startedAt: inv.startedAt,
      durationMs: inv.durationMs,
      outcome,
    };
    if (track?.killed) out.killReason = track.killed;
    if (inv.error !== undefined) out.error = inv.error;
    if (track?.stack) out.stack = track.stack;
    if (inv.argsText !== undefined) out.argsText = inv.argsText;
    if (inv.resultText !== undefined) out.resultText = inv.resultText;
    this.#o.onInvocation?.(out);
  }

  #assertOpen(): void {
    if (this.#closed) throw new UserCalleeError('CLOSED', 'the user callees are closed');
  }

  async #exclusive<T>(uri: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(uri) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(uri, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(uri) === tail) this.#locks.delete(uri);
    }
  }

  #entry(uri: string): Entry {
    const e = this.#entries.get(uri);
    if (!e) throw new UserCalleeError('UNKNOWN_URI', `there is no user callee for ${uri}: save() one first`);
    return e;
  }

  list(): HandlerInfo[] {
    return [...this.#entries.values()]
      .map((e): HandlerInfo => {
        const info: HandlerInfo = {
          uri: e.stored.uri,
          language: e.stored.language,
          source: e.stored.source,
          version: e.stored.version,
          updatedAt: e.stored.updatedAt,
          running: e.callee?.running ?? false,
          stopped: e.stored.stopped,
          metrics: { ...e.counts, avgMs: e.durations.avgMs, p95Ms: e.durations.p95Ms, workers: e.pool?.workers ?? 0 },
        };
        if (e.loadError) info.error = e.loadError;
        return info;
      })
      .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  /**
   * Compiles and loads `source`, stores it, and serves it under `uri` (a new URI starts being served
   * unless it was stopped). Calls already running finish on the previous version; nothing popped or
   * queued is lost. A compile or load failure is returned, and the previous version keeps serving.
   */
  async save(uri: string, source: string, language: HandlerLanguage): Promise<SaveResult> {
    this.#assertOpen();
    checkUri(uri);
    if (!HANDLER_LANGUAGES.includes(language))
      throw new UserCalleeError('INVALID_LANGUAGE', `a handler's language is 'js' or 'ts', got ${JSON.stringify(language)}`);
    if (typeof source !== 'string') throw new TypeError('a handler source must be a string');
    await this.ready;
    return this.#exclusive(uri, async () => {
      this.#assertOpen();
      const e = this.#entries.get(uri);
      const version = (e?.stored.version ?? 0) + 1;
      const loaded = await this.#load(uri, source, language, version);
      if (!loaded.ok) {
        const r: SaveResult = { ok: false, uri, code: loaded.code, diagnostics: loaded.diagnostics };
        if (e?.pool) r.servingVersion = e.stored.version;
        return r;
      }
      if (this.#closed) {
        loaded.pool.close();
        throw new UserCalleeError('CLOSED', 'the user callees were closed while the handler was being saved');
      }
      const stored: StoredHandler = {
        uri,
        language,
        source,
        version,
        updatedAt: new Date().toISOString(),
        stopped: e?.stored.stopped ?? false,
      };
      try {
        await this.#store.save(stored);
      } catch (err) {
        loaded.pool.close();
        throw err;
      }
      const entry = e ?? this.#newEntry(stored);
      this.#entries.set(uri, entry);
      this.#install(entry, stored, loaded);
      return { ok: true, uri, version, warnings: loaded.warnings };
    });
  }

  /** Stops serving `uri`, ends its workers (running calls get a "removed" error) and deletes its file. */
  async remove(uri: string): Promise<void> {
    this.#assertOpen();
    await this.ready;
    await this.#exclusive(uri, async () => {
      const e = this.#entry(uri);
      await this.#shutdown(e);
      await this.#store.remove(uri);
      this.#entries.delete(uri);
    });
  }

  /** Stops taking calls for `uri`: they wait in redis until start(). Calls already taken finish first (a hung one within its time limit). */
  async stop(uri: string): Promise<void> {
    this.#assertOpen();
    await this.ready;
    await this.#exclusive(uri, async () => {
      const e = this.#entry(uri);
      await e.callee?.stop();
      if (!e.stored.stopped) {
        e.stored = { ...e.stored, stopped: true };
        await this.#store.save(e.stored);
      }
    });
  }

  /** Takes calls for `uri` again, the ones queued meanwhile first (redis lists are FIFO). */
  async start(uri: string): Promise<void> {
    this.#assertOpen();
    await this.ready;
    await this.#exclusive(uri, async () => {
      const e = this.#entry(uri);
      if (!e.callee)
        throw new UserCalleeError(
          'HANDLER_NOT_LOADED',
          `the handler of ${uri} did not load (${e.loadError?.[0]?.message}): save() a fix first`,
        );
      e.callee.start();
      if (e.stored.stopped) {
        e.stored = { ...e.stored, stopped: false };
        await this.#store.save(e.stored);
      }
    });
  }

  async #shutdown(e: Entry): Promise<void> {
    const stopping = e.callee?.stop();
    // running calls are killed rather than waited for: a hung one could take limits.maxCallMs
    e.pool?.close();
    await stopping;
    e.callee = undefined;
    e.pool = undefined;
  }

  /** Stops every handler and ends every worker. The broker stays open (it is the caller's). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.ready.catch(() => undefined);
    await Promise.all([...this.#locks.values()]);
    await Promise.all([...this.#entries.values()].map((e) => this.#shutdown(e)));
    for (const p of this.#retiring) p.close();
  }
}
