// The juggler.0 server: accepts websocket clients, acknowledges every request with ACK or NACK,
// forwards calls and publications to the broker, and routes results and events back. It runs no RPC
// code itself (../shared/spec/juggler.md).
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/close-code';
import type { BrokerStatus, CallerBroker, Closable, EventPayload, PubSubBroker } from '../broker/broker';
import {
  decodeRequest,
  type Message,
  type MessageType,
  newAck,
  newEvnt,
  newNack,
  newRes,
  newUUID,
  ProtocolError,
  type Request,
  type Response,
} from '../message';
import { type CloseInfo, Connection, type ConnState } from './connection';
import { type DebugSource, serveDebugEndpoint, startGcStats } from './debug-endpoints';
import { compose, type Handler, type MsgContext } from './handler';
import { countMsg, newServerMetrics, type ServerMetrics } from './metrics';
import { type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from './options';
import { processRequest } from './process';
import { ResultRouter } from './result-router';
import { allowedTypes, checkSubprotocol, HandshakeError, refuseUpgrade, SUBPROTOCOL } from './upgrade';

/** A frame seen by the server, for tracing. `text` is the exact frame (out: with Go's trailing \n). */
export interface FrameEvent {
  connId: string;
  direction: 'in' | 'out';
  text: string;
  type?: MessageType;
  uuid?: string;
  /** The frame decoded (in) or the message it encodes (out), when there is one: tracing reads its fields instead of parsing `text` again. */
  message?: Message;
  /** performance.now() */
  at: number;
}

export interface ServerHooks {
  onFrame?: (ev: FrameEvent) => void;
  onConnState?: (conn: Connection, state: ConnState, info?: CloseInfo) => void;
  /** Errors that reached no client (broker read errors, recovered handler failures). */
  onError?: (err: Error) => void;
}

/** The broker roles a server uses: it pushes calls and reads their results, publishes and subscribes, and shows the broker's counters. */
export type ServerBroker = CallerBroker & PubSubBroker & Pick<BrokerStatus, 'metrics'>;

export interface JugglerServerConfig {
  broker: ServerBroker;
  options?: ServerOptions;
  /** Middleware around every message in and out (Go's handler chain). */
  handlers?: Handler[];
  hooks?: ServerHooks;
}

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Websocket path; other paths get 404. Default `/ws`. */
  path?: string;
  /** Answer GET /debug/vars (Go's expvar JSON) and GET /metrics (Prometheus). Default true. */
  debugEndpoints?: boolean;
  /** `--procs N`: the snapshots of every server process, so that the endpoints serve their sum. */
  debugGather?: DebugSource['gather'];
}

export class JugglerServer {
  /** This server's id: the `conn_uuid` of its calls, so results come back to `juggler:results:{id}`. */
  readonly id = newUUID();
  readonly metrics: ServerMetrics = newServerMetrics();
  readonly options: ResolvedServerOptions;
  readonly broker: ServerBroker;
  readonly router = new ResultRouter();
  readonly #conns = new Set<Connection>();
  readonly #hooks: ServerHooks;
  readonly #wss: WebSocketServer;
  readonly #chain: (ctx: MsgContext) => Promise<void>;
  /** No handlers: responses are written without passing through the chain. */
  readonly #direct: boolean;
  #http: HttpServer | undefined;
  #path = '/ws';
  #results: Closable | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #shuttingDown = false;

  constructor(cfg: JugglerServerConfig) {
    this.broker = cfg.broker;
    this.options = resolveServerOptions(cfg.options);
    this.#hooks = cfg.hooks ?? {};
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.readLimit,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.#chain = compose(cfg.handlers ?? [], (ctx) => this.#final(ctx));
    this.#direct = (cfg.handlers ?? []).length === 0;
  }

  get connections(): ReadonlySet<Connection> {
    return this.#conns;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Starts the results reader and the keep-alive ticker (done by listen(); call it when mounting). */
  start(): void {
    if (this.#results) return;
    this.#results = this.broker.results(this.id, {
      onItem: (p) => {
        const res = newRes(p.payload.msg_uuid, p.payload.uri, p.payload.args);
        if (!this.router.route(res, (conn, r) => this.#send(conn, r))) this.metrics.OrphanResults++;
      },
      onError: (err) => this.#hooks.onError?.(err),
    });
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#ticker.unref();
  }

  /** Listens on its own HTTP server; resolves with the websocket URL. */
  async listen(o: ListenOptions = {}): Promise<string> {
    this.#path = o.path ?? '/ws';
    const debug: DebugSource | undefined =
      o.debugEndpoints === false
        ? undefined
        : { metrics: this.metrics, broker: this.broker.metrics, pendingCalls: () => this.router.size, gather: o.debugGather };
    if (debug) startGcStats();
    const http = createServer((req, res) => {
      if (debug && serveDebugEndpoint(req, res, debug)) return;
      res.writeHead(req.url?.split('?')[0] === this.#path ? 426 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        req.url?.split('?')[0] === this.#path ? `juggler.0 websocket endpoint: upgrade with subprotocol ${SUBPROTOCOL}\n` : 'not found\n',
      );
    });
    http.on('upgrade', (req, socket, head) => {
      if (req.url?.split('?')[0] !== this.#path) {
        refuseUpgrade(socket, 404, `no juggler endpoint at ${req.url}; try ${this.#path}`);
        return;
      }
      this.handleUpgrade(req, socket, head);
    });
    this.#http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.start();
    return this.url;
  }

  get url(): string {
    const a = this.#http?.address() as AddressInfo | null;
    if (!a) throw new Error('the server is not listening');
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `ws://${host}:${a.port}${this.#path}`;
  }

  /** Takes over an HTTP upgrade (to mount the server on an existing HTTP server). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#shuttingDown) {
      refuseUpgrade(socket, 503, 'the server is shutting down');
      return;
    }
    if (this.options.maxConnections > 0 && this.#conns.size >= this.options.maxConnections) {
      refuseUpgrade(socket, 503, `too many connections (limit ${this.options.maxConnections})`);
      return;
    }
    let allowed: Set<MessageType>;
    try {
      checkSubprotocol(req, this.options.allowEmptySubprotocol);
      allowed = allowedTypes(req, this.options.allowedMessages);
    } catch (err) {
      if (!(err instanceof HandshakeError)) throw err;
      refuseUpgrade(socket, err.status, err.message);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req, allowed));
  }

  #accept(ws: WebSocket, req: IncomingMessage, allowed: Set<MessageType>): void {
    const conn = new Connection(
      newUUID(),
      ws,
      `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      allowed,
      this.options,
      (c, text, msg) => {
        this.metrics.MsgsWrite++;
        this.#hooks.onFrame?.({
          connId: c.id,
          direction: 'out',
          text,
          type: msg.meta.type,
          uuid: msg.meta.uuid,
          message: msg,
          at: performance.now(),
        });
      },
      (c, info) => this.#onClosing(c, info),
    );
    this.#conns.add(conn);
    this.metrics.ActiveConns++;
    this.metrics.TotalConns++;
    this.#hooks.onConnState?.(conn, 'accepting');
    conn.listener = (ev) => this.#event(conn, ev);
    ws.on('message', (data, isBinary) => this.#onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.lastSeen = performance.now();
    });
    ws.on('close', (code, reason) => conn.closed(code, reason.toString()));
    // ws closes a connection that breaks the websocket protocol (oversize frame, invalid UTF-8, bad
    // opcode) with the right code but no reason; its receiver is internal, but listening first lets us
    // send the same code with a reason the client can act on (ws then sees the close under way)
    const receiver = (ws as unknown as { _receiver?: NodeJS.EventEmitter })._receiver;
    receiver?.prependListener('error', (err: Error) => this.#wsProtocolError(conn, err));
    ws.on('error', (err) => this.#wsProtocolError(conn, err));
    conn.state = 'connected';
    this.#hooks.onConnState?.(conn, 'connected');
  }

  #wsProtocolError(conn: Connection, err: Error): void {
    if (conn.state === 'closed') return;
    const sym = Object.getOwnPropertySymbols(err).find((x) => x.description === 'status-code');
    const code = (sym ? (err as unknown as Record<symbol, number>)[sym] : undefined) ?? CloseCode.protocolError;
    const reason =
      code === CloseCode.messageTooBig
        ? `frame exceeds the read limit of ${this.options.readLimit} bytes`
        : `websocket protocol error: ${err.message}`;
    this.metrics.ClosedForErrors++;
    conn.close(code, reason);
  }

  #onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    conn.lastSeen = performance.now();
    if ((conn.state as ConnState) === 'closed' || !conn.reading) return;
    this.metrics.MsgsRead++;
    const text = isBinary ? undefined : data.toString();
    let msg: Request;
    try {
      if (text === undefined)
        throw new ProtocolError('BINARY_FRAME', 'binary frames are not supported: send juggler.0 frames as JSON text');
      msg = decodeRequest(text, conn.allowed) as Request;
    } catch (err) {
      this.#hooks.onFrame?.({
        connId: conn.id,
        direction: 'in',
        text: text ?? `<binary ${dataLength(data)} bytes>`,
        at: performance.now(),
      });
      const pe =
        err instanceof ProtocolError
          ? err
          : new ProtocolError('INVALID_PAYLOAD', `frame could not be read: ${(err as Error).message ?? String(err)}`);
      this.metrics.ClosedForErrors++;
      // requests read before the bad frame are still answered; nothing read after it is processed
      conn.reading = false;
      conn.queue = conn.queue.then(() => conn.close(pe.closeCode, pe.closeReason));
      return;
    }
    this.#hooks.onFrame?.({
      connId: conn.id,
      direction: 'in',
      text,
      type: msg.meta.type,
      uuid: msg.meta.uuid,
      message: msg,
      at: performance.now(),
    });
    countMsg(this.metrics, msg.meta.type);
    const bytes = dataLength(data);
    this.metrics.QueuedRequests++;
    if (conn.enqueued(bytes)) this.metrics.ReadPauses++;
    conn.queue = conn.queue.then(() => this.#process(conn, msg, bytes));
  }

  async #process(conn: Connection, msg: Request, bytes: number): Promise<void> {
    if ((conn.state as ConnState) === 'closed') {
      this.#dequeued(conn, bytes);
      return;
    }
    const t0 = performance.now();
    let answered = false;
    const ctx: MsgContext = {
      direction: 'in',
      conn,
      msg,
      nack: (code, message) => {
        answered = true;
        this.#send(conn, newNack(msg, code, message));
      },
    };
    try {
      await this.#chain(ctx);
    } catch (err) {
      // Go's PanicRecover: the handler failed; the client gets a NACK, the server goes on
      this.metrics.RecoveredPanics++;
      this.#hooks.onError?.(err as Error);
      if (!answered && conn.state !== 'closed') this.#send(conn, newNack(msg, 500, `internal error: ${(err as Error).message}`));
    } finally {
      // counted out here rather than with .finally() on the queue: no extra promise per request
      this.#dequeued(conn, bytes);
    }
    if (performance.now() - t0 > this.options.slowProcessMsgThresholdMs) this.metrics.SlowProcessMsg++;
  }

  #dequeued(conn: Connection, bytes: number): void {
    this.metrics.QueuedRequests--;
    conn.dequeued(bytes);
  }

  /** The end of the chain: process a request, or write a response. */
  #final(ctx: MsgContext): Promise<void> | undefined {
    if (ctx.direction === 'out') {
      // synchronous: a response is written in the tick it is sent, which keeps ACK before RES
      ctx.conn.write(ctx.msg);
      return undefined;
    }
    return processRequest(this, ctx.conn, ctx.msg, (r) => this.#send(ctx.conn, r));
  }

  /** Sends a response through the out chain. */
  #send(conn: Connection, msg: Response): void {
    if (conn.state === 'closed') return;
    countMsg(this.metrics, msg.meta.type);
    if (this.#direct) {
      // no handler to pass through: write it now, without a context and two promises per frame
      try {
        conn.write(msg);
      } catch (err) {
        this.metrics.RecoveredPanics++;
        this.#hooks.onError?.(err as Error);
      }
      return;
    }
    this.#chain({ direction: 'out', conn, msg }).catch((err) => {
      this.metrics.RecoveredPanics++;
      this.#hooks.onError?.(err as Error);
    });
  }

  /** Used by process.ts: the results of `conn`'s call `msgUUID` may now follow its ACK. */
  acked(msgUUID: string): void {
    this.router.acked(msgUUID, (c, r) => this.#send(c, r));
  }

  #event(conn: Connection, ev: EventPayload): void {
    this.#send(conn, newEvnt(ev.msg_uuid, ev.channel, ev.args, ev.pattern));
  }

  #onClosing(conn: Connection, info: CloseInfo): void {
    if (!this.#conns.delete(conn)) return;
    this.metrics.ActiveConns--;
    this.router.dropConnection(conn);
    this.broker.unsubscribeAll(conn.listener).catch((err) => this.#hooks.onError?.(err as Error));
    this.#hooks.onConnState?.(conn, 'closed', info);
  }

  #tick(): void {
    const now = performance.now();
    this.metrics.CallsTimedOut += this.router.sweep(now);
    const ping = this.options.pingIntervalMs;
    for (const conn of this.#conns) {
      if (conn.writeWaitMs > this.options.writeTimeoutMs) {
        this.metrics.ClosedForErrors++;
        conn.terminate(`write timeout: a frame waited more than ${this.options.writeTimeoutMs} ms to be written`);
        continue;
      }
      const idle = now - conn.lastSeen;
      // a paused connection is silent because we stopped reading it, not because the client is gone
      if (idle > this.options.readTimeoutMs && !conn.readPaused) {
        this.metrics.ClosedForErrors++;
        conn.close(CloseCode.goingAway, `read timeout: nothing received for ${this.options.readTimeoutMs} ms`);
      } else if (ping > 0 && idle > ping && conn.ws.readyState === WebSocket.OPEN) {
        conn.ws.ping();
      }
    }
  }

  /**
   * Graceful shutdown: refuses new connections and NACKs new requests, gives in-flight calls up to
   * `shutdownGraceMs` to return their results, then closes every socket with 1001 (going away).
   * Does not close the broker, which the caller owns.
   */
  async close(): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#http?.close();
    const deadline = performance.now() + this.options.shutdownGraceMs;
    while (this.router.size > 0 && this.#conns.size > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const closing = [...this.#conns].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.close(CloseCode.goingAway, 'server shutting down');
        }),
    );
    await Promise.all(closing);
    clearInterval(this.#ticker);
    await this.#results?.close();
    this.#http?.closeAllConnections();
    this.#wss.close();
  }
}

function dataLength(d: RawData): number {
  if (Array.isArray(d)) return d.reduce((n, b) => n + b.length, 0);
  return (d as Buffer).byteLength;
}

export type { Handler, Response };
export { newAck };
