// The commands of `juggler client`'s prompt, as the Go juggler-client has them (with one connection
// instead of numbered ones). Replies are not awaited: every frame in and out is printed as it travels.

import { CloseCode } from '../../shared/close-code';
import { RawJson } from '../message';
import { parseDuration } from './duration';

/** What a REPL command acts on; implemented by cli/client.ts. */
export interface ReplSession {
  readonly defaultAddr: string;
  /** Default timeout of `call`, in ms. */
  readonly callTimeoutMs: number;
  connect(addr: string): Promise<void>;
  /** Drops the connection without a closing handshake (Go's disconnect). */
  disconnect(): Promise<void>;
  close(code: number, reason: string): Promise<void>;
  sendRaw(text: string): void;
  call(uri: string, args: unknown, timeoutMs: number): void;
  pub(channel: string, args: unknown): void;
  sub(channel: string, pattern: boolean): void;
  unsb(channel: string, pattern: boolean): void;
  print(line: string): void;
  /** Ends the prompt. */
  exit(): void;
}

export interface ReplCommand {
  name: string;
  usage: string;
  help: string;
  run(s: ReplSession, rest: string): void | Promise<void>;
}

/** A command's misuse: printed with its usage. */
export class ReplUsageError extends Error {
  override readonly name = 'ReplUsageError';
}

/** The args as typed, validated: sent verbatim (spacing, number spelling), as Go's json.RawMessage. */
function parseJson(text: string, what: string): RawJson {
  try {
    JSON.parse(text);
  } catch {
    throw new ReplUsageError(`${what} must be JSON (strings in double quotes), got: ${text}`);
  }
  return new RawJson(text);
}

const TIMEOUT_RE = /^(.*?)\s+(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)?)$/s;

/** `<json args> [timeout]`: the timeout is a trailing number of ms or Go duration after valid JSON. */
export function parseCallRest(rest: string, defaultTimeoutMs: number): { args: RawJson; timeoutMs: number } {
  const text = rest.trim();
  if (!text) return { args: new RawJson('null'), timeoutMs: defaultTimeoutMs };
  const m = TIMEOUT_RE.exec(text);
  if (m) {
    let ok = true;
    try {
      JSON.parse(m[1]!);
    } catch {
      ok = false;
    }
    if (ok) return { args: new RawJson(m[1]!), timeoutMs: parseDuration(m[2]!) };
  }
  return { args: parseJson(text, 'args'), timeoutMs: defaultTimeoutMs };
}

function word(rest: string): [string, string] {
  const t = rest.trim();
  const i = t.search(/\s/);
  return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1).trim()];
}

function required(value: string, usage: string): string {
  if (!value) throw new ReplUsageError(`usage: ${usage}`);
  return value;
}

const RAND_URIS = ['test.echo', 'test.reverse', 'test.delay'];
const RAND_CHANNELS = ['news', 'room', 'chat', 'ne*', 'ro*'];

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

export const replCommands: ReplCommand[] = [
  {
    name: 'help',
    usage: 'help [command]',
    help: 'list the commands, or describe one',
    run(s, rest) {
      const name = rest.trim();
      const list = name ? replCommands.filter((c) => c.name === name || (name === '?' && c.name === 'help')) : replCommands;
      if (list.length === 0) throw new ReplUsageError(`no command "${name}"; type help`);
      const width = Math.max(...list.map((c) => c.usage.length));
      for (const c of list) s.print(`  ${c.usage.padEnd(width)}  ${c.help}`);
    },
  },
  {
    name: 'exit',
    usage: 'exit',
    help: 'close the connection and leave (also: ^D)',
    run(s) {
      s.exit();
    },
  },
  {
    name: 'connect',
    usage: 'connect [addr]',
    help: 'connect to addr (default: --addr) with the juggler.0 subprotocol',
    run: (s, rest) => s.connect(rest.trim() || s.defaultAddr),
  },
  {
    name: 'disconnect',
    usage: 'disconnect',
    help: 'drop the connection without a closing handshake',
    run: (s) => s.disconnect(),
  },
  {
    name: 'close',
    usage: 'close [code] [reason]',
    help: 'close the connection with a close frame (default 1000)',
    run(s, rest) {
      const [code, reason] = word(rest);
      const n = code ? Number(code) : CloseCode.normal;
      if (
        !Number.isInteger(n) ||
        !(n === 1000 || (n >= 3000 && n <= 4999) || (n >= 1001 && n <= 1014 && ![1004, 1005, 1006].includes(n)))
      ) {
        throw new ReplUsageError(`close code must be 1000-1014 (not 1004-1006) or 3000-4999, got ${code}`);
      }
      return s.close(n, reason);
    },
  },
  {
    name: 'send',
    usage: 'send <raw json frame>',
    help: 'send the text as one frame, as is (invalid frames make the server close the connection)',
    run(s, rest) {
      s.sendRaw(required(rest.trim(), 'send <raw json frame>'));
    },
  },
  {
    name: 'call',
    usage: 'call <uri> [json args] [timeout]',
    help: 'CALL uri; timeout in ms or as a Go duration (default: --call-timeout)',
    run(s, rest) {
      const [uri, more] = word(rest);
      required(uri, 'call <uri> [json args] [timeout]');
      const { args, timeoutMs } = parseCallRest(more, s.callTimeoutMs);
      s.call(uri, args, timeoutMs);
    },
  },
  {
    name: 'pub',
    usage: 'pub <channel> <json args>',
    help: 'PUB args on channel',
    run(s, rest) {
      const [channel, more] = word(rest);
      required(channel && more, 'pub <channel> <json args>');
      s.pub(channel, parseJson(more, 'args'));
    },
  },
  {
    name: 'sub',
    usage: 'sub <channel>',
    help: 'SUB to channel',
    run: (s, rest) => s.sub(required(rest.trim(), 'sub <channel>'), false),
  },
  {
    name: 'psub',
    usage: 'psub <pattern>',
    help: 'SUB to a redis glob pattern',
    run: (s, rest) => s.sub(required(rest.trim(), 'psub <pattern>'), true),
  },
  {
    name: 'unsb',
    usage: 'unsb <channel>',
    help: 'UNSB from channel',
    run: (s, rest) => s.unsb(required(rest.trim(), 'unsb <channel>'), false),
  },
  {
    name: 'punsb',
    usage: 'punsb <pattern>',
    help: 'UNSB from a pattern',
    run: (s, rest) => s.unsb(required(rest.trim(), 'punsb <pattern>'), true),
  },
  {
    name: 'rand',
    usage: 'rand',
    help: 'send a random valid request (a CALL to a demo URI, a PUB, SUB or UNSB)',
    run(s) {
      switch (Math.floor(Math.random() * 4)) {
        case 0: {
          const uri = pick(RAND_URIS);
          s.call(
            uri,
            uri === 'test.delay' ? String(Math.floor(Math.random() * 200)) : Math.random().toString(36).slice(2, 8),
            s.callTimeoutMs,
          );
          return;
        }
        case 1:
          s.pub(pick(RAND_CHANNELS.filter((c) => !c.includes('*'))), { n: Math.floor(Math.random() * 1000) });
          return;
        case 2: {
          const c = pick(RAND_CHANNELS);
          s.sub(c, c.includes('*'));
          return;
        }
        default: {
          const c = pick(RAND_CHANNELS);
          s.unsb(c, c.includes('*'));
        }
      }
    },
  },
];

/** Runs one input line. Unknown commands and misuse throw ReplUsageError. */
export async function runReplLine(s: ReplSession, line: string): Promise<void> {
  const [name, rest] = word(line);
  if (!name || name.startsWith('#')) return;
  const cmd = replCommands.find((c) => c.name === name || (name === '?' && c.name === 'help'));
  if (!cmd) throw new ReplUsageError(`unknown command "${name}"; type help`);
  await cmd.run(s, rest);
}
