// `juggler client`: an interactive juggler.0 client (the Go juggler-client). Every frame in and out is
// printed with a timestamp. With stdin piped it runs the lines in order and exits at EOF, once pending
// replies arrived (or expired) and a short grace passed for late events, so scripts and tests can drive it.
import { createInterface } from 'node:readline';
import { CloseCode } from '../../shared/close-code';
import type { FrameRecord, JugglerClient } from '../client';
import { createClient } from '../client/node';
import { defaultClientOptions } from '../client/options';
import { defineCommand, durationFlag, type FlagSpec } from './flag-table';
import { type ReplSession, ReplUsageError, runReplLine } from './repl-commands';

const flags: FlagSpec[] = [
  {
    name: 'addr',
    short: 'a',
    type: 'string',
    default: 'ws://127.0.0.1:9000/ws',
    value: 'URL',
    description: 'address used by `connect` without argument',
  },
  {
    name: 'call-timeout',
    short: 't',
    type: 'string',
    default: `${defaultClientOptions.callTimeoutMs / 1000}s`,
    value: 'DURATION',
    description: 'default timeout of `call` (0: the server default)',
  },
  {
    name: 'allowed-messages',
    type: 'string',
    default: '',
    value: 'LIST',
    description: 'send a Juggler-Allowed-Messages header, e.g. "call, pub" or "*"',
  },
  { name: 'reconnect', type: 'boolean', description: 'reconnect (and re-subscribe) when the connection is lost' },
  {
    name: 'grace',
    type: 'string',
    default: '200ms',
    value: 'DURATION',
    description: 'with piped input: how long to wait for late frames after EOF',
  },
  { name: 'connect', short: 'c', type: 'boolean', description: 'connect to --addr at start' },
];

/** Local time of `ms` as HH:MM:SS.mmm, the prefix of every printed frame (also `juggler proxy`). */
export function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

class Session implements ReplSession {
  client: JugglerClient | undefined;
  exited = false;
  printer: (line: string) => void = () => {};

  constructor(
    readonly defaultAddr: string,
    readonly callTimeoutMs: number,
    private readonly headers: Record<string, string> | undefined,
    private readonly reconnect: boolean,
  ) {}

  print(line: string): void {
    this.printer(line);
  }

  #local(line: string): void {
    this.print(`${timestamp(Date.now())} ! ${line}`);
  }

  #connected(): JugglerClient {
    const c = this.client;
    if (!c || c.state === 'closed') throw new ReplUsageError('not connected: use connect [addr]');
    return c;
  }

  async connect(addr: string): Promise<void> {
    if (this.client && this.client.state !== 'closed')
      throw new ReplUsageError(`already connected to ${this.client.url}; disconnect or close first`);
    const c = createClient(addr, {
      callTimeoutMs: this.callTimeoutMs,
      ...(this.headers ? { headers: this.headers } : {}),
      ...(this.reconnect ? { reconnect: true } : {}),
    });
    c.on('frame', (f: FrameRecord) => {
      const refused = f.error ? `   (refused: ${f.error.message})` : '';
      this.print(`${timestamp(f.at)} ${f.direction === 'out' ? '>' : '<'} ${f.text.trimEnd()}${refused}`);
    });
    c.on('exp', (e) => this.#local(`EXP ${e.uuid} ${e.uri}: no result within ${e.timeoutMs} ms${e.acked ? '' : ' (never ACKed)'}`));
    c.on('close', (e) => this.#local(`closed ${e.code}${e.reason ? ` ${e.reason}` : ''}${e.willReconnect ? ' (reconnecting)' : ''}`));
    c.on('open', (e) => {
      if (e.reconnected) this.#local(`reconnected to ${e.url} (${e.resubscribed} subscriptions renewed)`);
    });
    c.on('error', (err) => this.#local(`error: ${err.message}`));
    await c.open();
    this.client = c;
    this.#local(`connected to ${addr}`);
  }

  async disconnect(): Promise<void> {
    await this.#connected().terminate();
  }

  async close(code: number, reason: string): Promise<void> {
    await this.#connected().close(code, reason);
  }

  sendRaw(text: string): void {
    this.#connected().sendRaw(text);
  }

  // Outcomes are printed by the frame, exp and close listeners (a NACK or RES frame, an EXP line, a close
  // line), so the promises' rejections need no second report.
  call(uri: string, args: unknown, timeoutMs: number): void {
    this.#connected()
      .call(uri, args, { timeoutMs })
      .catch(() => {});
  }

  pub(channel: string, args: unknown): void {
    this.#connected()
      .pub(channel, args)
      .catch(() => {});
  }

  sub(channel: string, pattern: boolean): void {
    this.#connected()
      .sub(channel, { pattern })
      .catch(() => {});
  }

  unsb(channel: string, pattern: boolean): void {
    this.#connected()
      .unsb(channel, { pattern })
      .catch(() => {});
  }

  exit(): void {
    this.exited = true;
  }

  async shutdown(): Promise<void> {
    if (this.client && this.client.state !== 'closed') await this.client.close(CloseCode.normal, '');
  }
}

export const clientCommand = defineCommand({
  name: 'client',
  summary: 'interactive juggler.0 client: call, pub, sub, raw frames, every frame printed',
  about: `An interactive juggler.0 client. Type help at the prompt for its commands:
  connect [addr], disconnect, close [code] [reason], send <raw json frame>,
  call <uri> [json args] [timeout], pub <channel> <json args>, sub <channel>, psub <pattern>,
  unsb <channel>, punsb <pattern>, rand, help, exit.
Every frame is printed as "TIME > frame" (sent) or "TIME < frame" (received); "TIME !" lines are local
events (expired calls, closes, errors). Input may be piped: the lines run in order, and the client exits at
EOF once no reply is pending (calls expire at their timeout) and --grace has passed.`,
  flags,
  async run({ values }, io) {
    const callTimeoutMs = durationFlag('call-timeout', values['call-timeout']);
    const graceMs = durationFlag('grace', values.grace);
    const allowed = values['allowed-messages'] as string;
    const session = new Session(
      values.addr as string,
      callTimeoutMs,
      allowed ? { 'Juggler-Allowed-Messages': allowed } : undefined,
      values.reconnect === true,
    );
    const tty = (io.stdin as { isTTY?: boolean }).isTTY === true && (io.stdout as { isTTY?: boolean }).isTTY === true;
    const rl = createInterface({ input: io.stdin, output: tty ? io.stdout : undefined, terminal: tty, prompt: 'juggler> ' });
    // the iterator buffers lines from its creation on: create it before anything is awaited
    const lines = rl[Symbol.asyncIterator]();
    let reading = true;
    session.printer = (line) => {
      if (tty && reading) {
        // keep the prompt and what was typed below the printed line
        io.stdout.write(`\r\x1b[K${line}\n`);
        rl.prompt(true);
      } else io.stdout.write(`${line}\n`);
    };
    let failed = false;
    const report = (err: unknown) => {
      failed = true;
      io.stderr.write(`${(err as Error).message ?? String(err)}\n`);
      if (tty) rl.prompt(true);
    };
    const stopped = io.stopSignal.then(() => 'stop' as const);
    if (tty) io.stdout.write('juggler client: type help for the commands, ^D to exit\n');
    if (values.connect) {
      try {
        await session.connect(session.defaultAddr);
      } catch (err) {
        report(err);
      }
    }
    if (tty) rl.prompt();
    while (!session.exited) {
      const next = await Promise.race([lines.next(), stopped]);
      if (next === 'stop' || next.done) break;
      try {
        await runReplLine(session, next.value);
      } catch (err) {
        report(err);
      }
      if (tty && !session.exited) rl.prompt();
    }
    reading = false;
    rl.close();
    // replies still on their way: each pending call settles by its RES or its timeout
    while (session.client && session.client.pendingCount > 0 && session.client.state !== 'closed') {
      const r = await Promise.race([sleep(10), stopped]);
      if (r === 'stop') break;
    }
    if (session.client && session.client.state !== 'closed') await Promise.race([sleep(graceMs), stopped]);
    await session.shutdown();
    return failed && !tty ? 1 : 0;
  },
});
