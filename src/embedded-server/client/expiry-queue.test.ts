import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from './expiry-queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ExpiryQueue', () => {
  it('expires each item after its own timeout, in deadline order across timeouts, never early', async () => {
    const fired: [string, number][] = [];
    const t0 = performance.now();
    const q = new ExpiryQueue<string>((s) => fired.push([s, performance.now() - t0]));
    q.add('a60', 60);
    q.add('b20', 20);
    q.add('c40', 40);
    q.add('d20', 20);
    for (let i = 0; i < 200 && fired.length < 4; i++) await sleep(10);
    expect(fired.map(([s]) => s)).toEqual(['b20', 'd20', 'c40', 'a60']);
    for (const [s, at] of fired) expect(at).toBeGreaterThanOrEqual(Number(s.slice(1)) - 0.5);
  });

  it('items of several timeouts found due at once (a late event loop) expire in deadline order', () => {
    const fired: string[] = [];
    const q = new ExpiryQueue<string>((s) => fired.push(s));
    q.add('a30', 30);
    q.add('b10', 10);
    q.add('c20', 20);
    const until = performance.now() + 40;
    while (performance.now() < until) {
      // the loop is busy past every deadline
    }
    return sleep(5).then(() => expect(fired).toEqual(['b10', 'c20', 'a30']));
  });

  it('a cancelled item never expires, and the others still do', async () => {
    const fired: string[] = [];
    const q = new ExpiryQueue<string>((s) => fired.push(s));
    const a = q.add('a', 10);
    q.add('b', 20);
    const c = q.add('c', 20);
    a.cancel();
    c.cancel();
    c.cancel(); // twice is harmless
    await sleep(50);
    expect(fired).toEqual(['b']);
  });

  it('holds no timer once nothing is left to expire, so a client does not keep a process alive', async () => {
    const q = new ExpiryQueue<string>(() => {
      throw new Error('nothing should expire');
    });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const e = q.add('a', 60_000);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before + 1);
    e.cancel();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });

  it('keeps working after many items came and went (the spent front of a lane is dropped)', async () => {
    const fired: number[] = [];
    const q = new ExpiryQueue<number>((n) => fired.push(n));
    const keep = q.add(-1, 5000); // keeps the queue live while the others settle
    for (let i = 0; i < 5000; i++) q.add(i, 5).cancel();
    q.add(5000, 10);
    await sleep(40);
    expect(fired).toEqual([5000]);
    keep.cancel();
    expect(fired).toEqual([5000]);
  });
});
