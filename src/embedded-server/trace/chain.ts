// Builds the hops of one request from the events that share its `corr` (../../../shared/spec/juggler.md,
// "RPC through redis"): CALL in → push call → ACK out → pop call → check call TTL → run → push result →
// pop result → check result TTL → RES out, each with the time since the first and the previous hop, and
// a verdict on how the request ended.
import type { CalleeTrace, Chain, ChainHop, TraceEvent } from '../../shared/trace/events';
import { readFrameHead, resIsError } from './frame-head';

/** The server's default call timeout when a CALL gives none (Go: 1 minute). */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

export interface ChainContext {
  /** Bus time now (ms, like `t`): a call older than its timeout without RES is expired. */
  now: number;
  defaultCallTimeoutMs: number;
}

/** `events` in seq order, all with `corr`; undefined when there are none. */
export function buildChain(corr: string, events: readonly TraceEvent[], ctx: ChainContext): Chain | undefined {
  const first = events[0];
  if (!first) return undefined;
  const timed = events.map((event, i) => ({ event, time: hopTime(event), i }));
  timed.sort((a, b) => a.time - b.time || a.i - b.i);
  const t0 = timed[0]?.time ?? 0;
  let prev = t0;
  const hops: ChainHop[] = timed.map(({ event, time }) => {
    const hop = { event, at: time - t0, delta: time - prev, label: label(event) };
    prev = time;
    return hop;
  });
  return { corr, hops, verdict: verdict(events, ctx), totalMs: prev - t0 };
}

/**
 * When a hop happened. Events are recorded when the producer learns of them, which is not always the
 * order of causes: a push's reply can come back after the callee already popped the item, so a push is
 * placed when it was sent; a callee reports its run after storing the result, so the run is placed
 * where it ended.
 */
function hopTime(e: TraceEvent): number {
  if (e.kind === 'callee' && e.startedT !== undefined) return e.startedT + e.durationMs;
  if (e.kind === 'redis' && (e.command.startsWith('EVALSHA push') || e.command === 'LPUSH')) return e.t - e.durationMs;
  return e.t;
}

/** A hop's name, e.g. `CALL in`, `push call`, `check result TTL`, `run`. */
export function label(e: TraceEvent): string {
  switch (e.kind) {
    case 'frame': {
      const what = `${e.type ?? 'frame'} ${e.dir}`;
      return e.side === 'client' ? `client ${what}` : what;
    }
    case 'redis':
      return redisLabel(e.command, e.key);
    case 'callee':
      return e.outcome === 'ok' ? 'run' : `run (${e.outcome})`;
    case 'sync':
      return `${e.replica} change`;
    case 'conn':
      return `connection ${e.state}`;
    case 'log':
      return e.level;
  }
}

function redisLabel(command: string, key: string): string {
  const results = key.startsWith('juggler:results:');
  const calls = key.startsWith('juggler:calls:');
  if (!results && !calls)
    return command === 'PUBLISH' ? 'publish' : command === 'MESSAGE' || command === 'PMESSAGE' ? 'event from redis' : command;
  const what = calls ? 'call' : 'result';
  if (command.startsWith('EVALSHA push') || command === 'LPUSH') return `push ${what}`;
  if (command === 'BLMPOP' || command === 'BRPOP' || command === 'RPOP') return `pop ${what}`;
  if (command.startsWith('EVALSHA pttl')) return `check ${what} TTL`;
  return `${command} ${what}`;
}

function verdict(events: readonly TraceEvent[], ctx: ChainContext): Chain['verdict'] {
  let request: TraceEvent | undefined;
  let res: TraceEvent | undefined;
  for (const e of events) {
    if (e.kind === 'frame') {
      if (e.type === 'NACK') return 'nacked';
      if (e.type === 'RES') res ??= e;
      else if (e.type === 'CALL' || e.type === 'PUB' || e.type === 'SUB' || e.type === 'UNSB') request ??= e;
    } else if (e.kind === 'callee' && e.outcome === 'expired') return 'expired';
  }
  if (res?.kind === 'frame') return resIsError(res.text, res.truncated === true) ? 'error-result' : 'ok';
  if (request?.kind === 'frame' && request.type !== 'CALL') return 'event';
  if (!request && events.some((e) => e.kind === 'frame' && e.type === 'EVNT')) return 'event';
  if (request?.kind === 'frame') {
    const timeoutNs = readFrameHead(request.text)?.timeout;
    const timeoutMs = timeoutNs && timeoutNs > 0 ? timeoutNs / 1e6 : ctx.defaultCallTimeoutMs;
    if (ctx.now - request.t > timeoutMs) return 'expired';
  }
  return 'pending';
}

export type { CalleeTrace };
