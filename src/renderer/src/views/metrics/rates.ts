// Per-second rates from the host's cumulative counters: the difference between two samples over the
// time between them. A counter that goes down (the host restarted) gives no rate for that interval
// rather than a negative one.
import type { MetricsSample } from '../../../../shared/bridge/contract';

export interface RatePoint {
  /** Date.now() of the later sample. */
  at: number;
  calls: number | null;
  acks: number | null;
  nacks: number | null;
  results: number | null;
  events: number | null;
  /**
   * Calls that expired, per second: the server's CallsTimedOut (a call whose timeout passed with no
   * result, whether nobody popped it or its callee found it expired). A sample without it (a session from
   * an older host) falls back to the broker's ExpiredCalls and the callees' Expired, which miss calls
   * that nobody popped.
   */
  expiredCalls: number | null;
  expiredResults: number | null;
  /** A gauge, not a counter: the later sample's value. */
  activeConns: number;
}

export function counterRate(prev: number | undefined, cur: number | undefined, dtS: number): number | null {
  if (prev === undefined || cur === undefined || dtS <= 0) return null;
  const d = cur - prev;
  return d < 0 ? null : d / dtS;
}

export function deriveRates(prev: MetricsSample, cur: MetricsSample): RatePoint | undefined {
  const dt = (cur.at - prev.at) / 1000;
  if (dt <= 0) return undefined;
  const sum = (s: MetricsSample, parts: [keyof Omit<MetricsSample, 'at'>, string][]) => {
    let total = 0;
    let any = false;
    for (const [g, k] of parts) {
      const v = s[g][k];
      if (v !== undefined) {
        total += v;
        any = true;
      }
    }
    return any ? total : undefined;
  };
  const rate = (parts: [keyof Omit<MetricsSample, 'at'>, string][]) => counterRate(sum(prev, parts), sum(cur, parts), dt);
  return {
    at: cur.at,
    calls: rate([['server', 'MsgsCALL']]),
    acks: rate([['server', 'MsgsACK']]),
    nacks: rate([['server', 'MsgsNACK']]),
    results: rate([['server', 'MsgsRES']]),
    events: rate([['server', 'MsgsEVNT']]),
    expiredCalls:
      cur.server.CallsTimedOut !== undefined
        ? rate([['server', 'CallsTimedOut']])
        : rate([
            ['broker', 'ExpiredCalls'],
            ['callees', 'Expired'],
          ]),
    expiredResults: rate([['broker', 'ExpiredResults']]),
    activeConns: cur.server.ActiveConns ?? 0,
  };
}

/** Points within `windowMs` of the newest one. */
export function trimWindow<T extends { at: number }>(points: T[], windowMs: number): T[] {
  const last = points.at(-1);
  if (!last) return points;
  const from = last.at - windowMs;
  const i = points.findIndex((p) => p.at >= from);
  return i <= 0 ? points : points.slice(i);
}
