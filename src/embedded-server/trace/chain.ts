// Builds the hops of one request from the events that share its `corr` (../../../shared/spec/juggler.md,
// "RPC through redis"): CALL in → push call → ACK out → pop call → check call TTL → run → push result →
// pop result → check result TTL → RES out, each with the time since the first and the previous hop, and
// a verdict on how the request ended.
//
// The hops come from what the Studio saw: its own server's frames and broker, its clients, a recording
// proxy's frames, and the redis watch (MONITOR: the commands of every process on an attached redis,
// role 'watch'). An operation seen both by our broker and by the watch is shown once. The verdict says
// what it rests on (`notes`): which parts were out of sight, and for an expired call where the time went.
import type { CalleeTrace, Chain, ChainHop, RedisTrace, TraceEvent } from '../../shared/trace/events';
import { readFrameHead, resIsError } from './frame-head';

/** The server's default call timeout when a CALL gives none (Go: 1 minute). */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

export interface ChainContext {
  /** Bus time now (ms, like `t`): a call older than its timeout without RES is expired. */
  now: number;
  defaultCallTimeoutMs: number;
}

/** What a redis operation did, whoever saw it: `push call`, `pop result`, `check call TTL`... */
type RedisOpKind = `${'push' | 'pop' | 'check'} ${'call' | 'result'}`;

function opKind(e: RedisTrace): RedisOpKind | undefined {
  const calls = e.key.startsWith('juggler:calls:');
  if (!calls && !e.key.startsWith('juggler:results:')) return undefined;
  const what = calls ? 'call' : 'result';
  const c = e.command;
  if (c.startsWith('EVALSHA push') || c === 'LPUSH') return `push ${what}`;
  if (c === 'BLMPOP' || c === 'BRPOP' || c === 'RPOP' || c === 'BLPOP' || c === 'LMPOP' || c === 'LPOP') return `pop ${what}`;
  if (c.startsWith('EVALSHA pttl')) return `check ${what}`;
  return undefined;
}

/** Who does an operation in juggler: a server pushes calls and pops results, a callee the reverse. */
function actor(k: RedisOpKind): 'server' | 'callee' {
  return (k.startsWith('push') ? k.endsWith('call') : k.endsWith('result')) ? 'server' : 'callee';
}

/** `events` in seq order, all with `corr`; undefined when there are none. */
export function buildChain(corr: string, events: readonly TraceEvent[], ctx: ChainContext): Chain | undefined {
  if (events.length === 0) return undefined;
  // the watch's view of an operation our broker also reported is the same hop: keep the broker's (it
  // has the round trip) and note who the watch says sent it
  const brokerOps = new Set<string>();
  for (const e of events) if (e.kind === 'redis' && e.role !== 'watch') brokerOps.add(opKind(e) ?? '');
  const watchedBy = new Map<string, string>();
  const kept: TraceEvent[] = [];
  for (const e of events) {
    if (e.kind === 'redis' && e.role === 'watch') {
      const k = opKind(e);
      if (k && brokerOps.has(k)) {
        if (e.client) watchedBy.set(k, e.client);
        continue;
      }
    }
    kept.push(e);
  }
  const timed = kept.map((event, i) => ({ event, time: hopTime(event), i }));
  timed.sort((a, b) => a.time - b.time || a.i - b.i);
  const t0 = timed[0]?.time ?? 0;
  let prev = t0;
  const hops: ChainHop[] = timed.map(({ event, time }) => {
    const hop: ChainHop = { event, at: time - t0, delta: time - prev, label: label(event) };
    prev = time;
    if (event.kind === 'redis') {
      const k = opKind(event);
      const w = k ? watchedBy.get(k) : undefined;
      if (w) {
        hop.alsoWatched = true;
        hop.by = w;
      } else if (event.client) hop.by = event.client;
    } else if (event.kind === 'callee') {
      hop.by = `callee ${event.calleeId}`;
      // the run is placed where it ended and drawn from where it started
      if (event.startedT !== undefined) hop.bar = { from: Math.max(0, event.startedT - t0), to: hop.at };
    }
    return hop;
  });
  const chain: Chain = { corr, hops, verdict: 'pending', totalMs: prev - t0 };
  drawWatchedRun(hops);
  const answeredBy = answerer(hops, watchedBy);
  if (answeredBy) chain.answeredBy = answeredBy;
  chain.verdict = judge(chain, kept, ctx);
  return chain;
}

/** Without a callee's own report, its run is what lies between its pop of the call and its result push. */
function drawWatchedRun(hops: ChainHop[]): void {
  if (hops.some((h) => h.event.kind === 'callee')) return;
  const pop = hops.find((h) => h.event.kind === 'redis' && opKind(h.event) === 'pop call');
  const push = hops.find((h) => h.event.kind === 'redis' && opKind(h.event) === 'push result');
  if (pop && push && push.at >= pop.at) pop.bar = { from: pop.at, to: push.at };
}

function answerer(hops: ChainHop[], watchedBy: Map<string, string>): string | undefined {
  const popper = watchedBy.get('pop call') ?? hops.find((h) => h.event.kind === 'redis' && opKind(h.event) === 'pop call' && h.by)?.by;
  const run = hops.find((h) => h.event.kind === 'callee')?.event as CalleeTrace | undefined;
  // a pop the watch inferred (a push served a waiting client) names a callee only once that callee
  // confirms it took the call: its TTL check or its result push (a dead callee can seem to be waiting)
  const confirmed =
    run || hops.some((h) => h.event.kind === 'redis' && (opKind(h.event) === 'check call' || opKind(h.event) === 'push result'));
  if (!confirmed) return undefined;
  if (popper && run) return `${popper} (callee ${run.calleeId})`;
  return popper ?? (run ? `callee ${run.calleeId}` : undefined);
}

/**
 * When a hop happened. Events are recorded when the producer learns of them, which is not always the
 * order of causes: a push's reply can come back after the callee already popped the item, so a push is
 * placed when it was sent; a callee reports its run after storing the result, so the run is placed
 * where it ended. (The watch records at redis' own time already.)
 */
function hopTime(e: TraceEvent): number {
  if (e.kind === 'callee' && e.startedT !== undefined) return e.startedT + e.durationMs;
  if (e.kind === 'redis' && (e.command.startsWith('EVALSHA push') || e.command === 'LPUSH')) return e.t - e.durationMs;
  return e.t;
}

/** A hop's name, e.g. `CALL in`, `push call`, `check result TTL`, `run`; `callee pop call` when seen by the watch. */
export function label(e: TraceEvent): string {
  switch (e.kind) {
    case 'frame': {
      const what = `${e.type ?? 'frame'} ${e.dir}`;
      const side = e.side as string;
      return side === 'client' ? `client ${what}` : side === 'proxy' ? `proxy ${what}` : what;
    }
    case 'redis':
      return redisLabel(e);
    case 'callee':
      return e.outcome === 'ok' ? 'run' : `run (${e.outcome})`;
    case 'sync':
      return `${e.replica} change`;
    case 'conn':
      return `connection ${e.state}`;
    case 'log':
      // a log line in a chain is a client's own view of its request (its timeout ended the call)
      return e.source.startsWith('client ') && e.message.includes(' expired') ? 'client expired' : e.level;
  }
}

function redisLabel(e: RedisTrace): string {
  const { command, key } = e;
  const k = opKind(e);
  if (k) {
    const name = k.startsWith('check') ? `${k} TTL` : k;
    return e.role === 'watch' ? `${actor(k)} ${name}` : name;
  }
  if (key.startsWith('juggler:calls:') || key.startsWith('juggler:results:'))
    return `${command} ${key.startsWith('juggler:calls:') ? 'call' : 'result'}`;
  return command === 'PUBLISH' ? 'publish' : command === 'MESSAGE' || command === 'PMESSAGE' ? 'event from redis' : command;
}

const NO_FRAMES = "no client frames seen: the call did not go through the Studio's server or a proxy";

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

/** Sets the verdict, and the notes that say what it rests on. */
function judge(chain: Chain, events: readonly TraceEvent[], ctx: ChainContext): Chain['verdict'] {
  let request: TraceEvent | undefined;
  let res: TraceEvent | undefined;
  let nack = false;
  let calleeExpired = false;
  /** The client's own timeout ended the call (its `exp`): expired, whatever redis shows so far. */
  let clientExpired = false;
  let frames = 0;
  let evnt = false;
  let publish = false;
  const ops = new Map<RedisOpKind, RedisTrace>();
  for (const e of events) {
    if (e.kind === 'frame') {
      frames++;
      if (e.type === 'NACK') nack = true;
      else if (e.type === 'RES') res ??= e;
      else if (e.type === 'EVNT') evnt = true;
      else if (e.type === 'CALL' || e.type === 'PUB' || e.type === 'SUB' || e.type === 'UNSB') request ??= e;
    } else if (e.kind === 'callee' && e.outcome === 'expired') calleeExpired = true;
    else if (e.kind === 'log' && label(e) === 'client expired') clientExpired = true;
    else if (e.kind === 'redis') {
      const k = opKind(e);
      if (k && !ops.has(k)) ops.set(k, e);
      if (e.command === 'PUBLISH' || e.command === 'MESSAGE' || e.command === 'PMESSAGE') publish = true;
    }
  }
  const notes: string[] = [];
  const done = (verdict: Chain['verdict']): Chain['verdict'] => {
    if (notes.length > 0) chain.notes = notes;
    return verdict;
  };
  if (nack) return done('nacked');
  if (res?.kind === 'frame') return done(resIsError(res.text, res.truncated === true) ? 'error-result' : 'ok');
  if (request?.kind === 'frame' && request.type !== 'CALL') return done('event');
  if (!request && ops.size === 0 && (evnt || publish)) {
    if (frames === 0) notes.push("no client frames seen: the publication did not go through the Studio's server or a proxy");
    return done('event');
  }
  const pushCall = ops.get('push call');
  const popCall = ops.get('pop call');
  const pushResult = ops.get('push result');
  const popResult = ops.get('pop result');
  // the timeout: the CALL's own, else the TTL its push gave the call, else the server's default
  let timeoutMs = ctx.defaultCallTimeoutMs;
  const timeoutNs = request?.kind === 'frame' ? readFrameHead(request.text)?.timeout : undefined;
  if (timeoutNs && timeoutNs > 0) timeoutMs = timeoutNs / 1e6;
  else if (pushCall?.ttlMs !== undefined) timeoutMs = pushCall.ttlMs;
  if (request || pushCall) chain.timeoutMs = timeoutMs;
  if (frames === 0 && ops.size > 0) notes.push(NO_FRAMES);
  const start = pushCall ? hopTime(pushCall) : request?.t;
  const where = (): string => {
    // where the time went, from the hops that were seen
    if (!pushCall) return 'the call was not seen in redis (start the redis watch to see it)';
    if (!popCall) return `queued in the call list ${ms(ctx.now - hopTime(pushCall))}, no callee popped it`;
    const queued = popCall.t - hopTime(pushCall);
    if (queued > timeoutMs) return `queued in the call list ${ms(queued)}: the callee popped it ${ms(queued - timeoutMs)} after the TTL`;
    // the watch infers a blocked client's pop from the push that served it; a callee that really took
    // the call checks its TTL next. Without that check, the client that seemed to wait may be gone (a
    // callee that died in its BRPOP stays on the list until redis notices).
    if (!pushResult && popCall.role === 'watch' && !ops.has('check call'))
      return `queued in the call list; ${popCall.client ?? 'a client'} seemed to be waiting for it but never checked its TTL: no callee took it (that callee may have gone away)`;
    if (!pushResult) return `queued ${ms(queued)}, then the callee ran past the timeout (no result pushed)`;
    if (!popResult) return 'the result was pushed, but its server did not pop it in time';
    return 'the result reached its server after the timeout';
  };
  if (calleeExpired || clientExpired) {
    notes.push(`timeout ${ms(timeoutMs)}: ${where()}`);
    return done('expired');
  }
  if (popResult) {
    // delivered: its server took the result off redis; the RES itself was out of sight
    if (frames > 0) {
      notes.push('result popped by its server but no RES seen');
      return done('pending');
    }
    return done(pushResult?.resultError !== undefined ? 'error-result' : 'ok');
  }
  if (pushResult) notes.push(frames > 0 ? 'result pushed but no RES seen' : 'result pushed but no server popped it yet');
  if (popCall && pushCall && popCall.t - hopTime(pushCall) > timeoutMs) {
    notes.push(`timeout ${ms(timeoutMs)}: ${where()}`);
    return done('expired');
  }
  if (start !== undefined && (request || pushCall) && ctx.now - start > timeoutMs) {
    notes.push(`timeout ${ms(timeoutMs)}: ${where()}`);
    return done('expired');
  }
  // frames of a client or a proxy only: the server that took the call is not the Studio's
  if (request && ops.size === 0 && !events.some((e) => e.kind === 'redis' || (e.kind === 'frame' && e.side === 'server')))
    notes.push("no redis hops seen: the call went to a server that is not the Studio's (start the redis watch on its redis to see them)");
  return done('pending');
}

export type { CalleeTrace };
