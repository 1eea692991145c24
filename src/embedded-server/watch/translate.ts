// Turns the MONITOR stream of a redis into the juggler operations of every process on it (Go's and
// ours: same keys, scripts and payloads, ../../../../shared/conformance/go-redis-monitor.txt):
//
// - a push (server: call, callee: result) is the LPUSH a push script runs (`[0 lua]` lines, after the
//   EVAL/EVALSHA line of the client that sent the script: redis runs one command at a time, so a
//   script's own lines follow it). Reading the script's lines rather than its EVAL/EVALSHA arguments
//   covers Go's script, our batched script (several SET+LPUSH in one call) and an EVALSHA that failed
//   with NOSCRIPT and was sent again as EVAL, without counting it twice. The SET before it gives the TTL.
// - a pop: MONITOR shows a BRPOP/BLMPOP when it is sent, not what it took (on redis 7.0 a blocking pop
//   is shown when it starts waiting; later versions may show it when served). So the lists are
//   modelled: pushed msg uuids queue per list, clients waiting on lists queue per list, and redis' own
//   rule (a push serves the client that has waited longest on that list, after the command or script
//   that pushed) says who took which message. A client that sends a new command has stopped waiting.
// - a TTL check is a script's PTTL of a timeout key (the DEL after it is the same check); a PTTL from
//   a client directly is a read (the Studio's inspector does them) and is not a hop.
// - PUBLISH carries the msg uuid in its payload; (P)SUBSCRIBE/(P)UNSUBSCRIBE are reported per channel.
//
// Messages pushed before the watch started are unknown: a pop of one is not reported (its TTL check
// still is). Memory is bounded: past MAX_TRACKED messages or lists the oldest are forgotten (counted).

import type { MonitorCommand } from './monitor-line';
import { utf8Arg } from './monitor-line';

/** One juggler operation seen in the stream. */
export interface WatchedOp {
  /** Redis' clock, ms since the epoch. */
  timeMs: number;
  /** Names the chain builder knows: `EVALSHA push`, `LPUSH`, `BRPOP`, `BLMPOP`, `RPOP`, `EVALSHA pttl-del`, `PUBLISH`, `SUBSCRIBE`... */
  command: string;
  key: string;
  size: number;
  corr?: string;
  /** The sending client's address (and ` name=<name>` when it has one). */
  client?: string;
  db: number;
  /** For a push: the TTL its timeout key was set to. */
  ttlMs?: number;
  /** For a pushed result carrying a callee error: the error's message. */
  resultError?: string;
}

export interface TranslatorOptions {
  /** The client name of an address, from CLIENT LIST (undefined: none known). */
  nameOf?: (addr: string) => string | undefined;
  /** Most messages and lists remembered. Default 100,000. */
  maxTracked?: number;
}

interface Waiter {
  addr: string;
  /** Redis time of the pop it waits in. */
  sinceMs: number;
  command: string;
  keys: string[];
  count: number;
  db: number;
}

interface Orphan {
  msg: string;
  list: string;
  timeMs: number;
}

interface ListState {
  /** Msg uuids pushed and not yet taken, newest first (LPUSH side). */
  queue: string[];
  waiters: Waiter[];
}

const CALLS = 'juggler:calls:';
const RESULTS = 'juggler:results:';
const CALL_TIMEOUT = 'juggler:calls:timeout:';
const RESULT_TIMEOUT = 'juggler:results:timeout:';

const isList = (k: string) =>
  (k.startsWith(CALLS) && !k.startsWith(CALL_TIMEOUT)) || (k.startsWith(RESULTS) && !k.startsWith(RESULT_TIMEOUT));
const isTimeoutKey = (k: string) => k.startsWith(CALL_TIMEOUT) || k.startsWith(RESULT_TIMEOUT);
/**
 * A list as modelled: its key, qualified by its database when not 0 (MONITOR shows every database;
 * the same list name in two databases is two lists). Juggler keys never start with NUL.
 */
const modelKey = (db: number, key: string) => (db === 0 ? key : `\u0000${db}\u0000${key}`);
const keyOf = (mk: string) => (mk.charCodeAt(0) === 0 ? mk.slice(mk.indexOf('\u0000', 1) + 1) : mk);

/** The msg uuid at the end of a timeout key `...:{X}:M`. */
const msgOfTimeoutKey = (k: string) => k.slice(k.lastIndexOf('}:') + 2);

const MSG_KEY = '"msg_uuid":"';

/** msg_uuid (and a callee error's message) of a call/result/publication payload, or undefined. */
function readPayload(raw: string): { msg?: string; error?: string } {
  // Go and we write `msg_uuid` before `args` (../broker/redis/payload.ts), and inside a JSON string a
  // quote is escaped: a `"msg_uuid":"` before the first `"args":` is the payload's own. Error results
  // and anything else take the full parse.
  const at = raw.indexOf(MSG_KEY);
  if (at >= 0 && raw.indexOf('"error"') < 0) {
    const args = raw.indexOf('"args":');
    const from = at + MSG_KEY.length;
    const end = raw.indexOf('"', from);
    if ((args < 0 || at < args) && end > from && raw.lastIndexOf('\\', end) < from) return { msg: raw.slice(from, end) };
  }
  try {
    const p = JSON.parse(utf8Arg(raw)) as { msg_uuid?: unknown; args?: { error?: { message?: unknown } } };
    const msg = typeof p?.msg_uuid === 'string' ? p.msg_uuid : undefined;
    const m = p?.args && typeof p.args === 'object' ? p.args.error?.message : undefined;
    return { msg, ...(m !== undefined ? { error: typeof m === 'string' ? m : JSON.stringify(m) } : {}) };
  } catch {
    return {};
  }
}

export interface TranslatorStats {
  /** Messages or lists forgotten to keep memory bounded. */
  forgotten: number;
  /** Lines whose payload was not JSON with a msg_uuid where one was expected. */
  unreadablePayloads: number;
}

export class Translator {
  readonly stats: TranslatorStats = { forgotten: 0, unreadablePayloads: 0 };
  readonly #nameOf: (addr: string) => string | undefined;
  readonly #max: number;
  readonly #lists = new Map<string, ListState>();
  readonly #waiting = new Map<string, Waiter>();
  /** Lists pushed to by the running command or script, served when it ends. */
  #ready = new Map<string, number>();
  /** The client whose script is running: its `[0 lua]` lines follow. */
  #scriptCaller: string | undefined;
  /** TTL of the timeout key a push script just SET, for its LPUSH. */
  #lastTtl: { msg: string; ttlMs: number } | undefined;
  #tracked = 0;
  /** Messages whose TTL check came before any pop of them was seen: the next client to pop their list took them. */
  #orphans: Orphan[] = [];

  constructor(o: TranslatorOptions = {}) {
    this.#nameOf = o.nameOf ?? (() => undefined);
    this.#max = o.maxTracked ?? 100_000;
  }

  #client(addr: string | undefined): string | undefined {
    if (addr === undefined) return undefined;
    const name = this.#nameOf(addr);
    return name ? `${addr} name=${name}` : addr;
  }

  /** Feeds one command; appends the operations it reveals to `out`. */
  translate(c: MonitorCommand, out: WatchedOp[]): void {
    const lua = c.source === 'lua';
    if (!lua) {
      // the previous command or script has ended: redis now serves the clients waiting on what it pushed
      this.flush(out);
      // a client that sends a command is no longer blocked
      const w = this.#waiting.get(c.source);
      if (w) this.#unwait(w);
    }
    const name = c.args[0]?.toUpperCase() ?? '';
    const from = lua ? this.#scriptCaller : c.source;
    switch (name) {
      case 'EVAL':
      case 'EVALSHA':
      case 'EVAL_RO':
      case 'EVALSHA_RO':
      case 'FCALL':
      case 'FCALL_RO':
        if (!lua) this.#scriptCaller = c.source;
        return;
      case 'SET': {
        const key = c.args[1];
        if (key && isTimeoutKey(key)) {
          const px = c.args.findIndex((a, i) => i >= 3 && a.toUpperCase() === 'PX');
          const ttl = px > 0 ? Number(c.args[px + 1]) : Number.NaN;
          if (Number.isFinite(ttl)) this.#lastTtl = { msg: msgOfTimeoutKey(key), ttlMs: ttl };
        }
        return;
      }
      case 'LPUSH':
      case 'RPUSH': {
        const key = c.args[1];
        if (!key || !isList(key)) return;
        for (let i = 2; i < c.args.length; i++) this.#push(key, c.args[i]!, lua, from, c, out);
        this.#ready.set(modelKey(c.db, key), c.timeMs);
        if (!lua) this.flush(out);
        return;
      }
      case 'BRPOP':
      case 'BLPOP':
        this.#pop(c, name, c.args.slice(1, -1), 1, out);
        return;
      case 'BLMPOP':
      case 'LMPOP': {
        const at = name === 'BLMPOP' ? 2 : 1;
        const n = Number(c.args[at]);
        const keys = c.args.slice(at + 1, at + 1 + n);
        const ci = c.args.findIndex((a, i) => i > at + n && a.toUpperCase() === 'COUNT');
        this.#pop(c, name, keys, ci > 0 ? Math.max(1, Number(c.args[ci + 1]) || 1) : 1, out, name === 'LMPOP');
        return;
      }
      case 'RPOP':
      case 'LPOP': {
        const key = c.args[1];
        if (!key || !isList(key)) return;
        this.#take(modelKey(c.db, key), c.args[2] ? Math.max(1, Number(c.args[2]) || 1) : 1, name, c.source, c.db, c.timeMs, out);
        return;
      }
      case 'PTTL': {
        const key = c.args[1];
        // only a script's PTTL is a check (Go's and ours are scripts); a client's PTTL is a read
        if (!lua || !key || !isTimeoutKey(key)) return;
        const msg = msgOfTimeoutKey(key);
        this.#checked(key, msg, c.db, c.timeMs, out);
        out.push({ timeMs: c.timeMs, command: 'EVALSHA pttl-del', key, size: 0, corr: msg, client: this.#client(from), db: c.db });
        return;
      }
      case 'PUBLISH': {
        const ch = c.args[1];
        const payload = c.args[2];
        if (ch === undefined || payload === undefined) return;
        const { msg } = readPayload(payload);
        if (!msg) {
          this.stats.unreadablePayloads++;
          return; // not a juggler publication
        }
        out.push({
          timeMs: c.timeMs,
          command: 'PUBLISH',
          key: utf8Arg(ch),
          size: payload.length,
          corr: msg,
          client: this.#client(from),
          db: c.db,
        });
        return;
      }
      case 'SUBSCRIBE':
      case 'PSUBSCRIBE':
      case 'UNSUBSCRIBE':
      case 'PUNSUBSCRIBE':
        for (const ch of c.args.slice(1))
          out.push({ timeMs: c.timeMs, command: name, key: utf8Arg(ch), size: 0, client: this.#client(from), db: c.db });
        return;
      default:
        return;
    }
  }

  /** Serves the clients waiting on lists pushed to by the command that just ended. */
  flush(out: WatchedOp[]): void {
    if (this.#ready.size === 0) return;
    const ready = this.#ready;
    this.#ready = new Map();
    // served when the script that pushed has ended: at its last push
    for (const [key, timeMs] of ready) {
      const l = this.#lists.get(key);
      if (!l) continue;
      while (l.queue.length > 0 && l.waiters.length > 0) {
        const w = l.waiters[0]!;
        this.#unwait(w);
        this.#take(key, w.count, w.command, w.addr, w.db, timeMs, out);
      }
    }
  }

  /**
   * Clients gone from CLIENT LIST are waiting no more. `listedAtMs`: redis time when CLIENT LIST ran
   * (about); a wait that began after it is kept, as its client may have connected since.
   */
  keepClients(addrs: ReadonlySet<string>, listedAtMs = Number.POSITIVE_INFINITY): void {
    for (const w of [...this.#waiting.values()]) if (!addrs.has(w.addr) && w.sinceMs < listedAtMs) this.#unwait(w);
  }

  #list(key: string): ListState {
    let l = this.#lists.get(key);
    if (!l) {
      if (this.#lists.size >= this.#max) this.#forgetOldestList();
      l = { queue: [], waiters: [] };
      this.#lists.set(key, l);
    }
    return l;
  }

  #forgetOldestList(): void {
    for (const [k, l] of this.#lists) {
      this.#lists.delete(k);
      this.#tracked -= l.queue.length;
      for (const w of l.waiters) this.#unwait(w);
      this.stats.forgotten++;
      return;
    }
  }

  #push(key: string, payload: string, lua: boolean, from: string | undefined, c: MonitorCommand, out: WatchedOp[]): void {
    const { msg, error } = readPayload(payload);
    if (!msg) this.stats.unreadablePayloads++;
    const ttl = msg && this.#lastTtl?.msg === msg ? this.#lastTtl.ttlMs : undefined;
    out.push({
      timeMs: c.timeMs,
      command: lua ? 'EVALSHA push' : 'LPUSH',
      key: utf8Arg(key),
      size: payload.length,
      ...(msg ? { corr: msg } : {}),
      client: this.#client(from),
      db: c.db,
      ...(ttl !== undefined ? { ttlMs: ttl } : {}),
      ...(error !== undefined && key.startsWith(RESULTS) ? { resultError: error } : {}),
    });
    if (!msg) return;
    const l = this.#list(modelKey(c.db, key));
    l.queue.unshift(msg);
    if (++this.#tracked > this.#max) {
      // forget the oldest message of the longest-lived list
      for (const other of this.#lists.values()) {
        if (other.queue.length > 0) {
          other.queue.pop();
          this.#tracked--;
          this.stats.forgotten++;
          break;
        }
      }
    }
  }

  #pop(c: MonitorCommand, command: string, rawKeys: string[], count: number, out: WatchedOp[], noBlock = false): void {
    if (!rawKeys.some(isList)) return;
    const keys = rawKeys.filter(isList).map((k) => modelKey(c.db, k));
    if (this.#orphans.length > 0) this.#adopt(c, command, keys, out);
    for (const key of keys) {
      const l = this.#lists.get(key);
      if (l && l.queue.length > 0) {
        this.#take(key, count, command, c.source, c.db, c.timeMs, out);
        return;
      }
    }
    if (noBlock) return;
    const w: Waiter = { addr: c.source, sinceMs: c.timeMs, command, keys, count, db: c.db };
    this.#waiting.set(c.source, w);
    for (const k of w.keys) this.#list(k).waiters.push(w);
  }

  #unwait(w: Waiter): void {
    if (this.#waiting.get(w.addr) === w) this.#waiting.delete(w.addr);
    for (const k of w.keys) {
      const l = this.#lists.get(k);
      if (!l) continue;
      const i = l.waiters.indexOf(w);
      if (i >= 0) l.waiters.splice(i, 1);
      this.#dropIfEmpty(k, l);
    }
  }

  /** `addr` took up to `count` messages from the right (oldest) end of `key`. */
  #take(key: string, count: number, command: string, addr: string, db: number, timeMs: number, out: WatchedOp[]): void {
    const l = this.#lists.get(key);
    if (!l) return;
    for (let n = 0; n < count && l.queue.length > 0; n++) {
      const msg = l.queue.pop()!;
      this.#tracked--;
      out.push({ timeMs, command, key: utf8Arg(keyOf(key)), size: 0, corr: msg, client: this.#client(addr), db });
    }
    this.#dropIfEmpty(key, l);
  }

  /** A list with nothing queued and nobody waiting needs no state (Go has one result list per connection). */
  #dropIfEmpty(key: string, l: ListState): void {
    if (l.queue.length === 0 && l.waiters.length === 0) this.#lists.delete(key);
  }

  /** A TTL check of `msg`: it has left its list, whoever the model thought still held it. */
  #checked(timeoutKey: string, msg: string, db: number, timeMs: number, out: WatchedOp[]): void {
    const brace = timeoutKey.indexOf('{');
    const list = modelKey(
      db,
      (timeoutKey.startsWith(CALL_TIMEOUT) ? CALLS : RESULTS) + timeoutKey.slice(brace, timeoutKey.lastIndexOf('}') + 1),
    );
    const l = this.#lists.get(list);
    if (!l) return;
    const i = l.queue.indexOf(msg);
    if (i < 0) return;
    // popped without our model knowing by whom (its pop came before the watch, or a line was dropped):
    // the client waiting longest on the list is the likeliest taker
    l.queue.splice(i, 1);
    this.#tracked--;
    const w = l.waiters[0];
    if (w) {
      this.#unwait(w);
      out.push({ timeMs, command: w.command, key: utf8Arg(keyOf(list)), size: 0, corr: msg, client: this.#client(w.addr), db: w.db });
      return;
    }
    // its taker was waiting since before the watch started, and sends its next pop soon (a callee
    // checks on another connection, so the check and the next pop can come in either order)
    if (this.#orphans.length >= 1000) {
      this.#orphans.shift();
      this.stats.forgotten++;
    }
    this.#orphans.push({ msg, list, timeMs });
  }

  /** Pops by the client of `c` of messages checked before their pop was seen (see #checked). */
  #adopt(c: MonitorCommand, command: string, keys: string[], out: WatchedOp[]): void {
    const keep: Orphan[] = [];
    for (const o of this.#orphans) {
      if (!keys.includes(o.list)) {
        // an orphan nobody claims within 5 s of redis time is let go
        if (c.timeMs - o.timeMs < 5000) keep.push(o);
        continue;
      }
      // placed just before its check: the pop came first
      out.push({
        timeMs: o.timeMs - 0.001,
        command,
        key: utf8Arg(keyOf(o.list)),
        size: 0,
        corr: o.msg,
        client: this.#client(c.source),
        db: c.db,
      });
    }
    this.#orphans = keep;
  }
}
