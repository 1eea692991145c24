// The MONITOR line parser: the forms redis writes, its quoting, and fuzzing (random byte arguments
// quoted as redis does round-trip; random garbage only ever throws WatchError).
// Reproduce one seed: FUZZ_SEED=7 npx vitest run src/embedded-server/watch/monitor-line.test.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../shared/json-patch/seeded-random';
import { WatchError } from './errors';
import { parseMonitorLine, quoteLikeRedis, utf8Arg } from './monitor-line';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const goRecording = join(__dirname, '..', '..', '..', '..', 'shared', 'conformance', 'go-redis-monitor.txt');

function expectBadLine(line: string, column?: RegExp): void {
  try {
    parseMonitorLine(line);
  } catch (err) {
    expect(err).toBeInstanceOf(WatchError);
    expect((err as WatchError).code).toBe('BAD_MONITOR_LINE');
    if (column) expect((err as Error).message).toMatch(column);
    return;
  }
  throw new Error(`accepted: ${JSON.stringify(line)}`);
}

describe('parseMonitorLine', () => {
  it('reads the time, database, client address and arguments of a client command', () => {
    const c = parseMonitorLine('1339518083.107412 [0 127.0.0.1:60866] "keys" "*"');
    expect(c).toEqual({ timeMs: 1339518083107.412, db: 0, source: '127.0.0.1:60866', args: ['keys', '*'] });
  });

  it('reads lua, unix socket and IPv6 sources and other databases', () => {
    expect(parseMonitorLine('1.000001 [0 lua] "SET" "k" "v"').source).toBe('lua');
    expect(parseMonitorLine('1.000001 [3 unix:/tmp/redis.sock] "PING"')).toMatchObject({
      db: 3,
      source: 'unix:/tmp/redis.sock',
      args: ['PING'],
    });
    expect(parseMonitorLine('1.000001 [0 [::1]:51234] "GET" "a"').source).toBe('[::1]:51234');
  });

  it("undoes every escape of redis' sdscatrepr", () => {
    const c = parseMonitorLine(String.raw`1.000000 [0 lua] "a\"b\\c" "\n\r\t\a\b" "\x00\xff\xc3\xa9" ""`);
    expect(c.args).toEqual(['a"b\\c', '\n\r\t\x07\b', '\x00\xff\xc3\xa9', '']);
    expect(utf8Arg(c.args[2]!)).toBe('\u0000\ufffdé');
  });

  it('tolerates a trailing \\r and keeps spaces inside arguments', () => {
    expect(parseMonitorLine('1.000000 [0 1.2.3.4:5] "set" "a b" " "\r').args).toEqual(['set', 'a b', ' ']);
  });

  it('refuses what redis does not write, naming the column', () => {
    expectBadLine('', /column 1/);
    expectBadLine('OK');
    expectBadLine('1.00001 [0 lua] "x"', /microseconds/);
    expectBadLine('1.000001 [x lua] "x"', /database/);
    expectBadLine('1.000001 [0 lua]', /client address/);
    expectBadLine('1.000001 [0 lua] "x', /unterminated/);
    expectBadLine('1.000001 [0 lua] "x""y"', /between arguments/);
    expectBadLine('1.000001 [0 lua] "x"  "y"', /between arguments/);
    expectBadLine('1.000001 [0 lua] "x" ', /between arguments/);
    expectBadLine(String.raw`1.000001 [0 lua] "\q"`, /unknown escape/);
    expectBadLine(String.raw`1.000001 [0 lua] "\x4"`, /hex/);
    expectBadLine(String.raw`1.000001 [0 lua] "\xFF"`, /hex/);
    expectBadLine('1.000001 [0 lua] "é"', /unescaped byte 0xe9/);
    expectBadLine('1.000001 [0 lua] "a\tb"', /unescaped byte 0x09/);
  });

  it("reads every line of the Go server and callee's recording", () => {
    const lines = readFileSync(goRecording, 'latin1')
      .split('\n')
      .filter((l) => l !== '');
    const cmds = lines.map(parseMonitorLine);
    expect(cmds.length).toBe(lines.length);
    const push = cmds.find((c) => c.source === 'lua' && c.args[0] === 'LPUSH')!;
    expect(JSON.parse(utf8Arg(push.args[2]!))).toMatchObject({ uri: 'test.echo', args: 'hello' });
    const script = cmds.find((c) => c.args[0] === 'EVAL')!;
    expect(script.args[1]).toContain('redis.call("SET", KEYS[1], ARGV[1], "PX", tonumber(ARGV[1]))\n');
  });
});

describe('parseMonitorLine fuzz', () => {
  it(`random byte arguments quoted as redis does come back byte for byte (seed ${SEED})`, () => {
    const r = new SeededRandom(SEED);
    for (let n = 0; n < 3000; n++) {
      const argc = 1 + r.int(6);
      const args: Buffer[] = [];
      for (let a = 0; a < argc; a++) {
        const len = r.int(40);
        const b = Buffer.alloc(len);
        // biased towards the bytes that need escapes
        for (let k = 0; k < len; k++) b[k] = r.int(4) === 0 ? [34, 92, 10, 13, 9, 7, 8, 0, 32][r.int(9)]! : r.int(256);
        args.push(b);
      }
      const source = ['lua', '127.0.0.1:6379', '[::1]:1', 'unix:/tmp/s.sock'][r.int(4)]!;
      const sec = r.int(2_000_000_000);
      const us = r.int(1_000_000);
      const line = `${sec}.${String(us).padStart(6, '0')} [${r.int(16)} ${source}] ${args.map((b) => quoteLikeRedis(b)).join(' ')}`;
      const c = parseMonitorLine(line);
      expect(c.args.map((s) => Buffer.from(s, 'latin1'))).toEqual(args);
      expect(c.source).toBe(source);
      expect(c.timeMs).toBeCloseTo(sec * 1000 + us / 1000, 3);
    }
  });

  it(`random garbage and mutated lines throw only WatchError (seed ${SEED})`, () => {
    const r = new SeededRandom(SEED + 1);
    const base = readFileSync(goRecording, 'latin1')
      .split('\n')
      .filter((l) => l !== '');
    let refused = 0;
    for (let n = 0; n < 20000; n++) {
      let line: string;
      if (n % 2 === 0) {
        line = '';
        const len = r.int(60);
        for (let k = 0; k < len; k++) line += String.fromCharCode(r.int(4) === 0 ? '"\\ []x.0123456789'.charCodeAt(r.int(17)) : r.int(256));
      } else {
        // a real line with a few bytes changed, removed or inserted
        const chars = [...base[r.int(base.length)]!];
        for (let m = 1 + r.int(3); m > 0; m--) {
          const at = r.int(chars.length + 1);
          const ch = String.fromCharCode(r.int(3) === 0 ? r.int(256) : '"\\ x]'.charCodeAt(r.int(5)));
          const op = r.int(3);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, ch);
          else chars[at] = ch;
        }
        line = chars.join('');
      }
      try {
        const c = parseMonitorLine(line);
        expect(c.args.length).toBeGreaterThan(0);
      } catch (err) {
        if (!(err instanceof WatchError)) throw new Error(`${String(err)} for ${JSON.stringify(line)}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
