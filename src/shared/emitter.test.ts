import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter';

class Pinger extends Emitter<{ ping: [number, string]; done: [] }> {
  fire(n: number): boolean {
    return this.emit('ping', n, 'x');
  }
}

class Closing extends Emitter<{ ping: [number] }> {
  failures: unknown[] = [];
  fire(n: number): void {
    this.emit('ping', n);
  }
  protected override listenerFailed(_event: 'ping', error: unknown): void {
    this.failures.push(error);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('Emitter', () => {
  it('calls listeners in order with all arguments; once runs once; off and the returned function remove', () => {
    const e = new Pinger();
    const seen: string[] = [];
    e.on('ping', (n, s) => seen.push(`a${n}${s}`));
    e.once('ping', (n) => seen.push(`once${n}`));
    const off = e.on('ping', (n) => seen.push(`c${n}`));
    expect(e.fire(1)).toBe(true);
    off();
    e.fire(2);
    expect(seen).toEqual(['a1x', 'once1', 'c1', 'a2x']);
    expect(e.listenerCount('ping')).toBe(1);
    expect(e.listenerCount('done')).toBe(0);
  });

  it('a throwing listener breaks neither the others nor the emitting code, and its error is reported after', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
    const e = new Pinger();
    const seen: number[] = [];
    const bug = new Error('listener bug');
    e.on('ping', () => {
      throw bug;
    });
    e.on('ping', (n) => seen.push(n));
    expect(() => e.fire(7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(logged).toEqual([]); // asynchronously: the emitting code finished its step first
    await Promise.resolve();
    expect(logged.flat()).toContain(bug);
  });

  it('a subclass receives the errors through listenerFailed', () => {
    const e = new Closing();
    e.on('ping', (n) => {
      throw new RangeError(`bad ${n}`);
    });
    e.fire(3);
    expect(e.failures).toEqual([new RangeError('bad 3')]);
  });
});
