// One line of redis' MONITOR stream, parsed strictly. Redis (replicationFeedMonitors, sdscatrepr in
// sds.c; the same in 6.x and 7.x) writes:
//
//   1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
//   <sec>.<6-digit µs> [<db> <source>] "<arg>" "<arg>" ...
//
// where <source> is the client's `ip:port` (`[::1]:port` for IPv6), `lua` for a command a script ran,
// or `unix:<socket path>`; and each argument is quoted by sdscatrepr: `\\` and `\"` escaped, \n \r \t
// \a \b as such, other bytes outside 0x20..0x7e as `\xHH` (two lower-case hex digits), the rest as
// they are. So a line is plain ASCII and its arguments' bytes are recovered exactly. Anything else is
// not redis' output and fails with a WatchError naming the column, never a wrong split.
import { WatchError } from './errors';

export interface MonitorCommand {
  /** Redis' own clock when it ran the command, ms since the epoch (µs in the fraction). */
  timeMs: number;
  db: number;
  /** `ip:port` of the client, `lua` for a script's own commands, or `unix:<path>`. */
  source: string;
  /**
   * The command and its arguments as byte strings: one UTF-16 unit per byte (latin1), so binary
   * arguments survive; decode with `utf8Arg` where text is wanted. The command name is as the client
   * sent it (ioredis writes lower case, redigo upper case).
   */
  args: string[];
}

const EXCERPT = 80;

function fail(line: string, col: number, what: string): never {
  const from = Math.max(0, col - 20);
  const excerpt = line.slice(from, from + EXCERPT).replace(/[^\x20-\x7e]/g, '?');
  throw new WatchError('BAD_MONITOR_LINE', `not a redis MONITOR line (column ${col + 1}: ${what}): ${from > 0 ? '…' : ''}${excerpt}`);
}

const NOT_PRINTABLE = /[^\x20-\x7e]/g;
const DIGIT0 = 48;
const DIGIT9 = 57;

function hexVal(c: number): number {
  if (c >= DIGIT0 && c <= DIGIT9) return c - DIGIT0;
  if (c >= 97 && c <= 102) return c - 87; // a-f: redis writes %02x
  return -1;
}

/**
 * Parses one line (without its line end; a trailing `\r` is tolerated). `line` holds one character
 * per byte: read the socket as latin1. Throws WatchError BAD_MONITOR_LINE.
 */
export function parseMonitorLine(line: string): MonitorCommand {
  const n = line.length - (line.endsWith('\r') ? 1 : 0);
  let i = 0;
  // seconds
  while (i < n && line.charCodeAt(i) >= DIGIT0 && line.charCodeAt(i) <= DIGIT9) i++;
  if (i === 0 || i > 12) fail(line, i, 'expected the time in seconds');
  if (line.charCodeAt(i) !== 46 /* . */) fail(line, i, "expected '.' in the time");
  const dot = i++;
  const usStart = i;
  while (i < n && line.charCodeAt(i) >= DIGIT0 && line.charCodeAt(i) <= DIGIT9) i++;
  if (i - usStart !== 6) fail(line, usStart, 'expected 6 digits of microseconds');
  const timeMs = Number(line.slice(0, dot)) * 1000 + Number(line.slice(usStart, i)) / 1000;
  if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 91 /* [ */) fail(line, i, "expected ' [' after the time");
  i += 2;
  const dbStart = i;
  while (i < n && line.charCodeAt(i) >= DIGIT0 && line.charCodeAt(i) <= DIGIT9) i++;
  if (i === dbStart || i - dbStart > 5) fail(line, dbStart, 'expected the database number');
  const db = Number(line.slice(dbStart, i));
  if (line.charCodeAt(i) !== 32) fail(line, i, "expected ' ' after the database number");
  i++;
  // the source ends at the first `] "`: an address holds no quote, and `[::1]:port` no `] `
  const end = line.indexOf('] "', i);
  if (end < 0 || end >= n) fail(line, i, 'expected `] "` after the client address');
  const source = line.slice(i, end);
  if (source === '') fail(line, i, 'empty client address');
  for (let k = 0; k < source.length; k++) {
    const c = source.charCodeAt(k);
    if (c < 0x21 || c > 0x7e) {
      if (!source.startsWith('unix:')) fail(line, i + k, 'unexpected byte in the client address');
    }
  }
  i = end + 2;
  // redis escapes every byte outside 0x20..0x7e: one native scan refuses any, so that the loop below
  // only looks for quotes and backslashes
  NOT_PRINTABLE.lastIndex = i;
  const bad = NOT_PRINTABLE.exec(line);
  if (bad && bad.index < n)
    fail(line, bad.index, `unescaped byte 0x${line.charCodeAt(bad.index).toString(16).padStart(2, '0')} in an argument`);
  const args: string[] = [];
  let bs = line.indexOf('\\', i);
  for (;;) {
    // at an opening quote
    i++;
    let arg = '';
    let runStart = i;
    for (;;) {
      const q = line.indexOf('"', i);
      if (q < 0 || q >= n) fail(line, n, 'unterminated argument');
      if (bs >= 0 && bs < i) bs = line.indexOf('\\', i);
      if (bs < 0 || bs > q) {
        i = q;
        break;
      }
      arg += line.slice(runStart, bs);
      i = bs;
      const e = i + 1 < n ? line.charCodeAt(i + 1) : -1;
      switch (e) {
        case 92:
          arg += '\\';
          break;
        case 34:
          arg += '"';
          break;
        case 110:
          arg += '\n';
          break;
        case 114:
          arg += '\r';
          break;
        case 116:
          arg += '\t';
          break;
        case 97:
          arg += '\x07';
          break;
        case 98:
          arg += '\b';
          break;
        case 120: {
          const hi = i + 2 < n ? hexVal(line.charCodeAt(i + 2)) : -1;
          const lo = i + 3 < n ? hexVal(line.charCodeAt(i + 3)) : -1;
          if (hi < 0 || lo < 0) fail(line, i, 'expected two lower-case hex digits after \\x');
          arg += String.fromCharCode(hi * 16 + lo);
          i += 2;
          break;
        }
        default:
          fail(line, i, 'unknown escape');
      }
      i += 2;
      runStart = i;
    }
    arg += line.slice(runStart, i);
    args.push(arg);
    i++; // the closing quote
    if (i === n) break;
    if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 34)
      fail(line, i, "expected ' \"' between arguments or the end of the line");
    i++;
  }
  return { timeMs, db, source, args };
}

/** A byte-string argument (see MonitorCommand.args) as UTF-8 text. */
export function utf8Arg(arg: string): string {
  for (let k = 0; k < arg.length; k++) if (arg.charCodeAt(k) > 0x7f) return Buffer.from(arg, 'latin1').toString('utf8');
  return arg;
}

/** How redis quotes one argument (sdscatrepr): the inverse of the parser, for tests and benchmarks. */
export function quoteLikeRedis(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 92) s += '\\\\';
    else if (b === 34) s += '\\"';
    else if (b === 10) s += '\\n';
    else if (b === 13) s += '\\r';
    else if (b === 9) s += '\\t';
    else if (b === 7) s += '\\a';
    else if (b === 8) s += '\\b';
    else if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}
