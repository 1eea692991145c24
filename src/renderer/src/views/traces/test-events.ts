// Trace events and a hand-driven scheduler for the Traces view's unit tests.
import type { FrameTrace, RedisTrace, TraceEvent } from '../../../../shared/trace/events';
import type { Scheduler } from './trace-view';

let seq = 0;

export function resetSeq(to = 0): void {
  seq = to;
}

export function frame(o: Partial<FrameTrace> = {}): FrameTrace {
  const s = o.seq ?? ++seq;
  seq = Math.max(seq, s);
  return {
    kind: 'frame',
    seq: s,
    t: s,
    wall: 1_700_000_000_000 + s,
    proto: 'juggler',
    side: 'server',
    connId: 'conn-1',
    dir: 'in',
    type: 'CALL',
    uri: 'test.echo',
    size: 80,
    text: `{"meta":{"type":1,"uuid":"u${s}"},"payload":{"uri":"test.echo","args":"hello ${s}"}}`,
    corr: `u${s}`,
    ...o,
  };
}

export function redisOp(o: Partial<RedisTrace> = {}): RedisTrace {
  const s = o.seq ?? ++seq;
  seq = Math.max(seq, s);
  return {
    kind: 'redis',
    seq: s,
    t: s,
    wall: 1_700_000_000_000 + s,
    role: 'server',
    command: 'BRPOP',
    key: 'juggler:calls:{test.echo}',
    size: 40,
    durationMs: 0.5,
    ...o,
  };
}

/** Frames numbered from 1: even ones are CALLs to test.echo, odd ones RES of test.reverse. */
export function mixed(n: number, from = 1): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let s = from; s < from + n; s++)
    out.push(s % 2 === 0 ? frame({ seq: s }) : frame({ seq: s, type: 'RES', uri: 'test.reverse', dir: 'out', text: `{"res":${s}}` }));
  return out;
}

export class ManualScheduler implements Scheduler {
  frames: (() => void)[] = [];
  tasks: (() => void)[] = [];
  timers: { due: number; fn: () => void }[] = [];
  clock = 0;
  /** ms each now() call advances: lets slices end by their deadline. */
  tick = 0;

  frame(fn: () => void): void {
    this.frames.push(fn);
  }

  later(fn: () => void): void {
    this.tasks.push(fn);
  }

  after(ms: number, fn: () => void): void {
    this.timers.push({ due: this.clock + ms, fn });
  }

  now(): number {
    this.clock += this.tick;
    return this.clock;
  }

  /** Runs the timers due by the clock, then queued frames. */
  paint(): void {
    const due = this.timers.filter((t) => t.due <= this.clock);
    this.timers = this.timers.filter((t) => t.due > this.clock);
    for (const t of due) t.fn();
    const f = this.frames;
    this.frames = [];
    for (const fn of f) fn();
  }

  /** Runs one queued task; false when none was queued. */
  step(): boolean {
    const fn = this.tasks.shift();
    fn?.();
    return !!fn;
  }

  /** Runs tasks and frames until nothing is queued. */
  drain(): number {
    let n = 0;
    while (this.step()) n++;
    this.paint();
    return n;
  }
}
