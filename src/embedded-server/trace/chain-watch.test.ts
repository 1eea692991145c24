// Chains of calls seen (partly) by the redis watch: labels, who answered, one hop per operation when
// our broker and the watch both saw it, and verdicts that say what was out of sight.
import { describe, expect, it } from 'vitest';
import type { CalleeTrace, FrameTrace, RedisTrace, TraceEvent } from '../../shared/trace/events';
import { buildChain } from './chain';

const M = '77988a3d-3217-4b99-bf07-fdc7e7f47c7e';
let seq = 0;

function watch(t: number, command: string, key: string, client: string, extra: Partial<RedisTrace> = {}): RedisTrace {
  return { kind: 'redis', role: 'watch', command, key, size: 0, durationMs: 0, client, corr: M, seq: ++seq, t, wall: t, ...extra };
}
function broker(t: number, role: 'server' | 'callee', command: string, key: string): RedisTrace {
  return { kind: 'redis', role, command, key, size: 0, durationMs: 0, corr: M, seq: ++seq, t, wall: t };
}
function frame(t: number, type: string, dir: 'in' | 'out', text: string): FrameTrace {
  return {
    kind: 'frame',
    proto: 'juggler',
    side: 'server',
    connId: 'c1',
    dir,
    type,
    size: text.length,
    text,
    corr: M,
    seq: ++seq,
    t,
    wall: t,
  };
}

const calls = 'juggler:calls:{test.echo}';
const results = 'juggler:results:{conn}';
/** A Go call through a Go server and callee, as the watch sees it. */
const goCall = (): RedisTrace[] => [
  watch(100, 'EVALSHA push', calls, '127.0.0.1:46202', { ttlMs: 1000 }),
  watch(101, 'BRPOP', calls, '127.0.0.1:46188 name=go-callee'),
  watch(102, 'EVALSHA pttl-del', `juggler:calls:timeout:{test.echo}:${M}`, '127.0.0.1:52726'),
  watch(150, 'EVALSHA push', results, '127.0.0.1:52738', { ttlMs: 950 }),
  watch(151, 'BRPOP', results, '127.0.0.1:52712'),
  watch(152, 'EVALSHA pttl-del', `juggler:results:timeout:{conn}:${M}`, '127.0.0.1:46202'),
];
const ctx = (now: number) => ({ now, defaultCallTimeoutMs: 60_000 });
const labels = (es: TraceEvent[], now = 200) => buildChain(M, es, ctx(now))!.hops.map((h) => h.label);

describe('chains from the redis watch', () => {
  it('a call seen only in redis: every hop named by who did it, the callee that answered, verdict ok, the missing frames said', () => {
    const c = buildChain(M, goCall(), ctx(200))!;
    expect(c.hops.map((h) => h.label)).toEqual([
      'server push call',
      'callee pop call',
      'callee check call TTL',
      'callee push result',
      'server pop result',
      'server check result TTL',
    ]);
    expect(c.answeredBy).toBe('127.0.0.1:46188 name=go-callee');
    expect(c.hops[1]!.by).toBe('127.0.0.1:46188 name=go-callee');
    expect(c.verdict).toBe('ok');
    expect(c.notes).toEqual(["no client frames seen: the call did not go through the Studio's server or a proxy"]);
    // no run reported by a callee: the callee's bar spans from its pop to its result push
    expect(c.hops[1]!.bar).toEqual({ from: 1, to: 50 });
  });

  it("a result carrying the callee's error is an error result", () => {
    const es = goCall();
    es[3] = { ...es[3]!, resultError: 'boom' };
    expect(buildChain(M, es, ctx(200))!.verdict).toBe('error-result');
  });

  it('an operation seen by our broker and by the watch is one hop, marked as watched, with the sender named', () => {
    const es: TraceEvent[] = [broker(100, 'server', 'EVALSHA push', calls), ...goCall(), broker(101.5, 'callee', 'BLMPOP', calls)];
    const c = buildChain(M, es, ctx(200))!;
    expect(c.hops.map((h) => h.label).filter((l) => l.includes('push call'))).toEqual(['push call']);
    expect(c.hops.filter((h) => h.label.includes('pop call'))).toHaveLength(1);
    const push = c.hops.find((h) => h.label === 'push call')!;
    expect(push.alsoWatched).toBe(true);
    expect(push.by).toBe('127.0.0.1:46202');
    expect(c.answeredBy).toBe('127.0.0.1:46188 name=go-callee');
  });

  it('frames and the watch together: verdict from the RES, the callee from the watch', () => {
    const es: TraceEvent[] = [
      frame(99, 'CALL', 'in', `{"meta":{"type":1,"uuid":"${M}"},"payload":{"uri":"test.echo","args":1}}`),
      ...goCall(),
      frame(153, 'RES', 'out', `{"meta":{"type":9,"uuid":"x"},"payload":{"for":"${M}","args":1}}`),
    ];
    const c = buildChain(M, es, ctx(200))!;
    expect(c.hops[0]!.label).toBe('CALL in');
    expect(c.hops.at(-1)!.label).toBe('RES out');
    expect(c.verdict).toBe('ok');
    expect(c.notes).toBeUndefined();
    expect(c.answeredBy).toBe('127.0.0.1:46188 name=go-callee');
  });

  it('frames without RES while the watch saw the result popped: pending, saying the RES was not seen', () => {
    const c = buildChain(
      M,
      [frame(99, 'CALL', 'in', `{"meta":{"type":1,"uuid":"${M}"},"payload":{"uri":"test.echo"}}`), ...goCall()],
      ctx(200),
    )!;
    expect(c.verdict).toBe('pending');
    expect(c.notes).toEqual(['result popped by its server but no RES seen']);
  });

  it('an unserved call seen in redis: pending within its TTL, then expired naming the timeout and that no callee popped it', () => {
    const push = [watch(100, 'EVALSHA push', 'juggler:calls:{no.such.uri}', '127.0.0.1:46202', { ttlMs: 300 })];
    expect(buildChain(M, push, ctx(200))!.verdict).toBe('pending');
    const c = buildChain(M, push, ctx(500))!;
    expect(c.verdict).toBe('expired');
    expect(c.timeoutMs).toBe(300);
    expect(c.notes).toContain('timeout 300 ms: queued in the call list 400 ms, no callee popped it');
  });

  it('a call popped after its TTL: expired, naming how late the callee was', () => {
    const es = [watch(100, 'EVALSHA push', calls, 's', { ttlMs: 100 }), watch(350, 'BRPOP', calls, 'callee-1')];
    const c = buildChain(M, es, ctx(400))!;
    expect(c.verdict).toBe('expired');
    expect(c.notes).toContain('timeout 100 ms: queued in the call list 250 ms: the callee popped it 150 ms after the TTL');
  });

  it("a callee's own run is drawn from its start to its end", () => {
    const run: CalleeTrace = {
      kind: 'callee',
      calleeId: 'demo',
      uri: 'test.echo',
      durationMs: 40,
      outcome: 'ok',
      startedT: 105,
      corr: M,
      seq: ++seq,
      t: 160,
      wall: 160,
    };
    const c = buildChain(M, [...goCall(), run], ctx(200))!;
    const hop = c.hops.find((h) => h.label === 'run')!;
    expect(hop.bar).toEqual({ from: 5, to: 45 });
    expect(c.answeredBy).toBe('127.0.0.1:46188 name=go-callee (callee demo)');
    expect(labels([...goCall(), run])).toContain('callee pop call');
  });

  it('a publication seen only in redis is an event, saying no frames were seen', () => {
    const c = buildChain(M, [watch(1, 'PUBLISH', 'news', 's')], ctx(2))!;
    expect(c.verdict).toBe('event');
    expect(c.hops[0]!.label).toBe('publish');
  });

  it('a call seen only by a proxy or a client, with no redis hops: pending, saying the redis side was out of sight', () => {
    const call: FrameTrace = {
      ...frame(1, 'CALL', 'in', `{"meta":{"type":1,"uuid":"${M}"},"payload":{"uri":"x","timeout":5000000000}}`),
      side: 'client',
    };
    const c = buildChain(M, [call], ctx(100))!;
    expect(c.verdict).toBe('pending');
    expect(c.notes?.[0]).toMatch(/^no redis hops seen/);
    expect(c.timeoutMs).toBe(5000);
    expect(buildChain(M, [call], ctx(6000))!.notes).toEqual([
      'timeout 5000 ms: the call was not seen in redis (start the redis watch to see it)',
    ]);
  });
});
