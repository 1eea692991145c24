import { describe, expect, it } from 'vitest';
import { type FlagSpec, flagHelp, intFlag, parseFlags } from './flag-table';

const flags: FlagSpec[] = [
  { name: 'addr', type: 'string', default: 'ws://127.0.0.1:9000/ws', value: 'URL', description: 'server address' },
  { name: 'rate', short: 'r', type: 'string', default: '100ms', value: 'DURATION', description: 'call rate' },
  { name: 'json', type: 'boolean', description: 'print JSON' },
];

describe('flag table', () => {
  it('applies defaults and parses long and short flags', () => {
    expect(parseFlags([], flags).values).toEqual({ addr: 'ws://127.0.0.1:9000/ws', rate: '100ms' });
    expect(parseFlags(['--addr', 'ws://x/ws', '-r', '1s', '--json'], flags).values).toEqual({ addr: 'ws://x/ws', rate: '1s', json: true });
  });

  it('accepts the Go spelling: one dash for long flags, values starting with a dash', () => {
    expect(parseFlags(['-addr', 'ws://y/ws', '-r', '-1ms'], flags).values).toMatchObject({ addr: 'ws://y/ws', rate: '-1ms' });
    expect(parseFlags(['--rate', '-5ms'], flags).values.rate).toBe('-5ms');
    expect(parseFlags(['-r=-2ms'], flags).values.rate).toBe('-2ms');
  });

  it('refuses unknown flags', () => {
    expect(() => parseFlags(['--nope'], flags)).toThrow(/Unknown option/);
  });

  it('writes help lines with each default', () => {
    const help = flagHelp(flags);
    expect(help).toContain('--addr URL');
    expect(help).toContain('(default ws://127.0.0.1:9000/ws)');
    expect(help).toMatch(/-r, --rate DURATION\s+call rate \(default 100ms\)/);
  });

  it('checks integers', () => {
    expect(intFlag('c', '10')).toBe(10);
    expect(() => intFlag('c', '0')).toThrow('--c must be an integer of at least 1, got "0"');
    expect(() => intFlag('c', 'x')).toThrow(/integer/);
  });
});
