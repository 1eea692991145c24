// The Go demo environment's URIs: test.echo, test.reverse and test.delay.
import type { Thunk } from './callee';

export const demoHandlers: Record<string, Thunk> = {
  'test.echo': (args) => args,
  'test.reverse': (args) => {
    if (typeof args !== 'string') throw new TypeError(`test.reverse takes a string, got ${args === null ? 'null' : typeof args}`);
    return Array.from(args).reverse().join('');
  },
  'test.delay': (args, ctx) => {
    // Go takes the milliseconds as a numeric string; a plain number is accepted too
    const ms = typeof args === 'number' ? args : typeof args === 'string' && /^\s*\d+\s*$/.test(args) ? Number(args) : Number.NaN;
    if (!Number.isFinite(ms) || ms < 0)
      throw new TypeError(`test.delay takes a number of milliseconds (e.g. "100"), got ${JSON.stringify(args)}`);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve(args), ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    });
  },
};
