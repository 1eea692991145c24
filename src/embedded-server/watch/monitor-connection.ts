// One MONITOR connection to one redis node, on a plain socket rather than ioredis: the watch needs the
// raw lines (ioredis' monitor mode splits arguments itself and loses binary ones) and control over
// buffering. Redis keeps sending to a MONITOR client however slowly it reads, in its own output buffer
// (unbounded for normal clients by default), so this connection always reads as fast as the socket
// delivers and holds at most `maxQueuedLines`/`maxQueuedChars` lines for processing; past that, lines
// are dropped and counted. Memory stays bounded on our side and on redis'.
//
// Sent: AUTH (when the URL has a password), CLIENT SETNAME (so that an operator sees the Studio's watch
// in CLIENT LIST; it is connection state, not data: no key is written) and MONITOR. Nothing else.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WatchError } from './errors';

export interface MonitorConnectionOptions {
  /** redis://[user:pass@]host:port or rediss://... */
  url: string;
  /** CA certificates (PEM) for rediss:// with a private CA. */
  tlsCa?: Buffer;
  /** Client name shown in CLIENT LIST. Default `juggler-studio:watch`. */
  name?: string;
  connectTimeoutMs?: number;
  /** Lines held for processing at most; past it, lines are dropped (counted). Default 200,000. */
  maxQueuedLines?: number;
  /** Characters (bytes) held for processing at most. Default 64 MiB. */
  maxQueuedChars?: number;
  /** How long one processing turn may run before yielding to I/O, ms. Default 20. */
  sliceMs?: number;
  /** Each line (without `+` and line end), in order; `receivedAt` is performance.now() when it arrived. */
  onLine: (line: string, receivedAt: number) => void;
  /** Every line received so far has been handed to onLine. */
  onIdle?: () => void;
  /** The connection ended (error undefined: closed on request). */
  onClose: (err?: WatchError) => void;
}

export interface MonitorConnectionStats {
  lines: number;
  dropped: number;
  queued: number;
}

function resp(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

export class MonitorConnection {
  readonly stats: MonitorConnectionStats = { lines: 0, dropped: 0, queued: 0 };
  readonly #o: MonitorConnectionOptions;
  readonly #socket: Socket;
  #partial = '';
  #queue: string[] = [];
  #queueAt: number[] = [];
  #head = 0;
  #queuedChars = 0;
  #scheduled = false;
  #closed = false;
  /** Replies still expected to the commands before MONITOR's own +OK. */
  #handshake: number;
  readonly #ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (err: WatchError) => void;

  private constructor(o: MonitorConnectionOptions) {
    this.#o = o;
    const u = new URL(o.url);
    const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(u.port || 6379);
    this.#ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#socket =
      u.protocol === 'rediss:'
        ? tlsConnect({ host, port, servername: host, ...(o.tlsCa ? { ca: o.tlsCa } : {}) })
        : netConnect({ host, port });
    this.#socket.setEncoding('latin1'); // one char per byte: MONITOR lines are ASCII, see monitor-line.ts
    this.#socket.setNoDelay(true);
    const cmds: string[][] = [];
    if (u.password)
      cmds.push(
        u.username ? ['AUTH', decodeURIComponent(u.username), decodeURIComponent(u.password)] : ['AUTH', decodeURIComponent(u.password)],
      );
    cmds.push(['CLIENT', 'SETNAME', o.name ?? 'juggler-studio:watch']);
    cmds.push(['MONITOR']);
    this.#handshake = cmds.length;
    this.#socket.write(cmds.map(resp).join(''));
    const timer = setTimeout(
      () => this.#fail(new WatchError('UNAVAILABLE', `no answer to MONITOR from ${u.host} within ${o.connectTimeoutMs ?? 5000} ms`)),
      o.connectTimeoutMs ?? 5000,
    );
    this.#ready.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
    this.#socket.on('data', (chunk: string) => this.#data(chunk, performance.now()));
    this.#socket.on('error', (err) => this.#fail(new WatchError('UNAVAILABLE', `redis at ${u.host}: ${err.message}`, { cause: err })));
    this.#socket.on('close', () => this.#fail(new WatchError('UNAVAILABLE', `redis at ${u.host} closed the MONITOR connection`)));
  }

  /** Connects and starts MONITOR; rejects with a WatchError (unreachable, wrong password, MONITOR refused). */
  static async open(o: MonitorConnectionOptions): Promise<MonitorConnection> {
    const c = new MonitorConnection(o);
    await c.#ready;
    return c;
  }

  #fail(err: WatchError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#rejectReady(err);
    this.#o.onClose(err);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#rejectReady(new WatchError('STATE', 'the watch was stopped'));
    this.#o.onClose();
  }

  #data(chunk: string, at: number): void {
    let buf = this.#partial + chunk;
    let from = 0;
    for (;;) {
      const nl = buf.indexOf('\r\n', from);
      if (nl < 0) break;
      this.#line(buf.slice(from, nl), at);
      from = nl + 2;
    }
    buf = from === 0 ? buf : buf.slice(from);
    // a line longer than the whole queue's room would never fit: drop it as it comes
    if (buf.length > (this.#o.maxQueuedChars ?? 64 * 1024 * 1024)) {
      this.stats.dropped++;
      this.#skipping = true;
      buf = '';
    }
    this.#partial = buf;
    if (!this.#scheduled && this.#head < this.#queue.length) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  /** The rest of an over-long line is being skipped. */
  #skipping = false;

  #line(line: string, at: number): void {
    if (this.#skipping) {
      this.#skipping = false;
      return;
    }
    if (this.#handshake > 0) {
      if (line.startsWith('-')) {
        this.#fail(
          new WatchError(
            'UNAVAILABLE',
            `redis refused the watch: ${line.slice(1)}${/NOPERM|MONITOR/i.test(line) ? ' (the redis user needs the MONITOR command)' : ''}`,
          ),
        );
        return;
      }
      if (--this.#handshake === 0) this.#resolveReady();
      return;
    }
    if (line.charCodeAt(0) !== 43 /* + */) return; // MONITOR sends only status lines
    this.stats.lines++;
    if (
      this.#queue.length - this.#head >= (this.#o.maxQueuedLines ?? 200_000) ||
      this.#queuedChars + line.length > (this.#o.maxQueuedChars ?? 64 * 1024 * 1024)
    ) {
      this.stats.dropped++;
      return;
    }
    this.#queue.push(line.slice(1));
    this.#queueAt.push(at);
    this.#queuedChars += line.length;
    this.stats.queued = this.#queue.length - this.#head;
  }

  #drain(): void {
    this.#scheduled = false;
    const end = performance.now() + (this.#o.sliceMs ?? 20);
    const q = this.#queue;
    let n = 0;
    while (this.#head < q.length && !this.#closed) {
      const i = this.#head++;
      const line = q[i]!;
      this.#queuedChars -= line.length + 1;
      this.#o.onLine(line, this.#queueAt[i]!);
      if (++n % 256 === 0 && performance.now() > end) break;
    }
    if (this.#head >= q.length) {
      this.#queue = [];
      this.#queueAt = [];
      this.#head = 0;
      if (!this.#closed) this.#o.onIdle?.();
    } else if (this.#head > 65_536) {
      this.#queue = q.slice(this.#head);
      this.#queueAt = this.#queueAt.slice(this.#head);
      this.#head = 0;
    }
    this.stats.queued = this.#queue.length - this.#head;
    if (this.#head < this.#queue.length && !this.#closed && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }
}
