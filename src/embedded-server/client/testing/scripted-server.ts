// A real juggler.0 websocket server for tests of the client and the CLI, until (and besides) the real
// server: it answers like the Go server and demo callee did in /work/shared/conformance/go-frames.json
// (ACK field order, RES and EVNT shapes, a trailing newline after each frame), with no redis behind it.
// Two ways to drive it: the demo behaviour (test.echo, test.reverse, test.delay, pub-sub with patterns,
// plus hooks to NACK, fail or stay silent), or `replay`, which answers each request with the frames recorded
// after the matching request of a Go scenario, the recorded uuids rewritten to the live ones.
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type Call,
  decodeRequest,
  encodeFrame,
  type Message,
  MessageType,
  newAck,
  newEvnt,
  newNack,
  newRes,
  type Pub,
  type Request,
  type Sub,
} from '../../message';

function resultIsError(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'error' in v;
}

export interface RecordedFrame {
  dir: 'in' | 'out';
  text: string;
  t: number;
}

export interface ScriptedServerOptions {
  /** The subprotocol to select: 'juggler.0' by default; null selects none (what a non-juggler server does). */
  protocol?: string | null;
  /** NACK every CALL to this URI with code 503 (a broker outage). */
  nackUri?: string;
}

interface Conn {
  ws: WebSocket;
  subs: Map<string, boolean>; // channel or pattern -> is a pattern
  headers: Record<string, string | string[] | undefined>;
}

/** Redis glob patterns, the subset tests use: `*`, `?` and literal characters. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export class ScriptedServer {
  readonly conns = new Set<Conn>();
  /** Every text frame received from clients, in order. */
  readonly received: string[] = [];
  /** The headers of each upgrade request accepted. */
  readonly upgrades: Record<string, string | string[] | undefined>[] = [];
  /** How each connection closed, as the server saw it. */
  readonly closes: { code: number; reason: string }[] = [];
  /** Every request decoded, in order. */
  readonly requests: Request[] = [];
  #replay: RecordedFrame[] | undefined;
  #uuidMap = new Map<string, string>();

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
    private readonly opts: ScriptedServerOptions,
  ) {}

  static async start(opts: ScriptedServerOptions = {}): Promise<ScriptedServer> {
    const protocol = opts.protocol === undefined ? 'juggler.0' : opts.protocol;
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => (protocol !== null && offered.has(protocol) ? protocol : protocol === null ? false : protocol),
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const { port } = wss.address() as AddressInfo;
    const server = new ScriptedServer(wss, `ws://127.0.0.1:${port}/ws`, opts);
    wss.on('connection', (ws, req) => server.#accept(ws, req.headers));
    return server;
  }

  /** Answers requests from now on with the frames a Go scenario recorded (see the file comment). */
  replay(frames: RecordedFrame[]): void {
    this.#replay = [...frames];
    this.#uuidMap.clear();
  }

  /** Sends text to every connection, as is. */
  broadcastRaw(text: string | Buffer): void {
    for (const c of this.conns) c.ws.send(text);
  }

  /** Drops every connection without a closing handshake (a server crash, a network cut). */
  dropAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** Closes every connection with a close frame. */
  closeAll(code: number, reason: string): void {
    for (const c of this.conns) c.ws.close(code, reason);
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Resolves when `n` connections are open. */
  async waitForConns(n: number, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.conns.size < n) {
      if (Date.now() > until) throw new Error(`expected ${n} connections, have ${this.conns.size}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The headers of the most recent upgrade request. */
  lastHeaders(): Record<string, string | string[] | undefined> | undefined {
    return this.upgrades.at(-1);
  }

  #accept(ws: WebSocket, headers: Conn['headers']): void {
    const conn: Conn = { ws, subs: new Map(), headers };
    this.upgrades.push(headers);
    this.conns.add(conn);
    ws.on('close', (code, reason) => {
      this.conns.delete(conn);
      this.closes.push({ code, reason: reason.toString() });
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, 'binary frames are not juggler.0 frames');
        return;
      }
      const text = data.toString();
      this.received.push(text);
      let req: Message;
      try {
        req = decodeRequest(text);
      } catch (err) {
        ws.close(1002, (err as Error).message.slice(0, 120));
        return;
      }
      this.requests.push(req as Request);
      if (this.#replay) this.#replayAnswer(conn, req as Request);
      else this.#demoAnswer(conn, req as Request);
    });
  }

  #send(conn: Conn, m: Message): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(encodeFrame(m));
  }

  #demoAnswer(conn: Conn, req: Request): void {
    const reply = this.#demoReply(conn, req);
    if (reply) this.#send(conn, reply);
    if (reply?.meta.type === MessageType.ACK && req.meta.type === MessageType.CALL) this.#callee(conn, req as Call);
    if (reply?.meta.type === MessageType.ACK && req.meta.type === MessageType.PUB) this.#publish(req as Pub);
  }

  #demoReply(conn: Conn, req: Request): Message | undefined {
    switch (req.meta.type) {
      case MessageType.CALL: {
        const call = req as Call;
        const { uri } = call.payload;
        if (!uri) return newNack(call, 400, 'the CALL has no URI');
        if (uri === this.opts.nackUri) return newNack(call, 503, 'broker unavailable');
        return newAck(call);
      }
      case MessageType.SUB:
      case MessageType.UNSB: {
        const sub = req as Sub;
        if (req.meta.type === MessageType.SUB) conn.subs.set(sub.payload.channel, sub.payload.pattern);
        else conn.subs.delete(sub.payload.channel);
        return newAck(sub);
      }
      case MessageType.PUB:
        return newAck(req as Pub);
    }
    return undefined;
  }

  #publish(pub: Pub): void {
    for (const c of this.conns) {
      for (const [name, isPattern] of c.subs) {
        if (isPattern ? globToRegExp(name).test(pub.payload.channel) : name === pub.payload.channel) {
          this.#send(c, newEvnt(pub.meta.uuid, pub.payload.channel, pub.payload.args, isPattern ? name : undefined));
        }
      }
    }
  }

  /** The demo callee: test.echo, test.reverse, test.delay (a number of ms in a string), test.fail. */
  #callee(conn: Conn, call: Call): void {
    const { uri, args } = call.payload;
    const result = this.#calleeResult(uri, (args as { value: unknown }).value);
    if (result === undefined) return; // nobody serves it: ACKed, then nothing (the call expires in redis)
    const send = (v: unknown) => this.#send(conn, newRes(call.meta.uuid, uri, v));
    if (uri === 'test.delay' && !resultIsError(result)) setTimeout(() => send(result), Number.parseInt(result as string, 10));
    else send(uri === 'test.echo' ? args : result);
  }

  #calleeResult(uri: string, value: unknown): unknown {
    const fail = (message: string) => ({ error: { message } });
    switch (uri) {
      case 'test.echo':
        return value;
      case 'test.reverse':
        return typeof value === 'string' ? [...value].reverse().join('') : fail('json: cannot unmarshal into Go value of type string');
      case 'test.delay':
        if (typeof value !== 'string') return fail('json: cannot unmarshal number into Go value of type string');
        return /^-?\d+$/.test(value) ? value : fail(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
      case 'test.fail':
        return fail(typeof value === 'string' ? value : 'failed');
      default:
        return undefined;
    }
  }

  #replayAnswer(conn: Conn, req: Request): void {
    const frames = this.#replay!;
    const i = frames.findIndex((f) => f.dir === 'out');
    if (i < 0) return;
    const recorded = frames[i]!;
    const recordedUuid = (JSON.parse(recorded.text) as { meta: { uuid: string } }).meta.uuid;
    this.#uuidMap.set(recordedUuid, req.meta.uuid);
    let j = i + 1;
    while (j < frames.length && frames[j]!.dir === 'in') j++;
    const answers = frames.slice(i + 1, j);
    frames.splice(0, j);
    for (const a of answers) {
      let out = a.text;
      for (const [from, to] of this.#uuidMap) out = out.split(from).join(to);
      if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(out);
    }
  }
}
