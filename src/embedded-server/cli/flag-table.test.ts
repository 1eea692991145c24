import { describe, expect, it } from 'vitest';
import { defineCommand, type FlagSpec, flagHelp, intFlag, msFlag, parseFlags } from './flag-table';
import { capturedIO } from './testing/captured-io';

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

  it('says which flags were given, so that a config file can fill the others before the defaults', () => {
    expect([...parseFlags(['-r', '1s'], flags).given]).toEqual(['rate']);
    expect(parseFlags([], flags).given.size).toBe(0);
  });

  it('a repeatable flag gets its default as a list, replaced by the values given', () => {
    const multi: FlagSpec[] = [{ name: 'addr', type: 'string', multiple: true, default: 'ws://a/ws', description: 'addresses' }];
    expect(parseFlags([], multi).values.addr).toEqual(['ws://a/ws']);
    expect(parseFlags(['--addr', 'ws://b/ws', '--addr', 'ws://c/ws'], multi).values.addr).toEqual(['ws://b/ws', 'ws://c/ws']);
  });

  it('says what to give for a missing value, a value given to a switch, and a stray argument', () => {
    expect(() => parseFlags(['--addr'], flags)).toThrow('--addr needs a value: URL (server address)');
    expect(() => parseFlags(['--json=yes'], flags)).toThrow('--json takes no value: give --json alone');
    expect(() => parseFlags(['stray'], flags)).toThrow(
      'unexpected argument "stray": this command takes flags only (--addr, --rate, --json)',
    );
    expect(parseFlags(['stray'], flags, true).positionals).toEqual(['stray']);
  });

  it('wraps long descriptions and keeps "(default X)" on one line', () => {
    const long: FlagSpec[] = [{ name: 'x', type: 'string', default: 'a b', value: 'V', description: 'word '.repeat(30).trim() }];
    const lines = flagHelp(long).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(110);
    expect(lines.some((l) => l.includes('(default a b)'))).toBe(true);
  });

  it('checks milliseconds', () => {
    expect(msFlag('delay', '0')).toBe(0);
    expect(() => msFlag('retry', '-5')).toThrow('--retry must be a whole number of milliseconds, got "-5"');
    expect(() => msFlag('delay', '')).toThrow(/whole number/);
  });
});

describe('defineCommand', () => {
  const cmd = defineCommand({
    name: 'demo',
    summary: 'a demo',
    about: 'Does nothing.',
    flags,
    notes: 'Afterwards.',
    run: async ({ values }) => (values.json ? 7 : 0),
  });
  const io = capturedIO;

  it('writes --help from the table, with -h, --help itself', async () => {
    expect(cmd.help).toBe(
      `usage: juggler demo [flags]\n\nDoes nothing.\n\nflags:\n${flagHelp([...flags, { name: 'help', short: 'h', type: 'boolean', description: 'this text' }])}\n\nAfterwards.\n`,
    );
    expect(cmd.flags.map((f) => f.name)).toEqual(['addr', 'rate', 'json', 'help']);
  });

  it('runs with the parsed table; --help (in any spelling) wins over other arguments, even wrong ones', async () => {
    expect(await cmd.run(['--json'], io().io)).toBe(7);
    for (const h of ['--help', '-h', '-help']) {
      const o = io();
      expect(await cmd.run(['--nope', h], o.io)).toBe(0);
      expect(o.out()).toBe(cmd.help);
    }
    await expect(cmd.run(['--nope'], io().io)).rejects.toThrow(/Unknown option "--nope"; the flags are --addr, --rate, --json, --help/);
  });
});
