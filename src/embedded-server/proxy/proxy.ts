// The recording proxy for juggler.0: listens for websocket clients (any path) and forwards each
// connection to one upstream juggler server, reporting every frame and connection state through hooks.
// Several proxies (several upstreams) can run in one process: each has its own listener and ids.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/close-code';
import { ProxyError } from './errors';
import type { ProxyHooks } from './hooks';
import { type ProxyOptions, proxyDefaults } from './options';
import { type ConnectionContext, ProxyConnection, type ProxyCounters } from './proxy-connection';
import { writeRefusal } from './refusal';
import { checkExtraHeaders, parseUpstream, upstreamHeaders, upstreamUrl } from './upstream-request';

export interface ListenOptions {
  /** Default 127.0.0.1: a debugging proxy is not for the network unless asked. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/** One open connection, for listings. */
export interface ProxyConnSnapshot {
  id: string;
  remote: string;
  path: string;
  state: ProxyConnection['state'];
  /** Bytes waiting to be written toward the upstream / the client (bounded by highWaterMark + a frame). */
  queuedToUpstream: number;
  queuedToClient: number;
}

let proxySeq = 0;

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** What is wrong with a client's websocket handshake (RFC 6455 section 4.2.1), if anything. */
function handshakeProblem(req: IncomingMessage): { status: number; message: string } | undefined {
  if (req.method !== 'GET') return { status: 405, message: `a websocket handshake is a GET, not ${req.method}` };
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return { status: 400, message: 'Upgrade: websocket expected' };
  if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) return { status: 400, message: 'missing or invalid Sec-WebSocket-Key' };
  if (req.headers['sec-websocket-version'] !== '13')
    return { status: 426, message: 'unsupported Sec-WebSocket-Version: this proxy speaks version 13' };
  return undefined;
}

export class JugglerProxy {
  /** Prefix of this proxy's connection ids (`px1.4`: proxy 1, connection 4), unique in the process. */
  readonly id: string;
  readonly upstream: string;
  readonly counters: ProxyCounters = { connections: 0, open: 0, refused: 0, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #ctx: ConnectionContext;
  readonly #conns = new Map<string, ProxyConnection>();
  #server: Server | undefined;
  #localUrl: string | undefined;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;

  /** Throws BAD_UPSTREAM or BAD_HEADER. */
  constructor(options: ProxyOptions, hooks: ProxyHooks = {}) {
    this.#url = parseUpstream(options.upstream);
    this.upstream = this.#url.href;
    this.#headers = checkExtraHeaders(options.headers ?? {});
    this.id = `px${++proxySeq}`;
    const readLimit = options.readLimit ?? proxyDefaults.readLimit;
    const chosen = new WeakMap<IncomingMessage, string>();
    this.#ctx = {
      wss: new WebSocketServer({
        noServer: true,
        clientTracking: false,
        maxPayload: readLimit,
        perMessageDeflate: false,
        // the client gets the subprotocol the upstream chose (none: no header)
        handleProtocols: (_offered, req) => chosen.get(req) || false,
      }),
      chosen,
      hooks,
      counters: this.counters,
      readLimit,
      highWaterMark: options.highWaterMark ?? proxyDefaults.highWaterMark,
      upstreamTimeoutMs: options.upstreamTimeoutMs ?? proxyDefaults.upstreamTimeoutMs,
      ...(options.ca ? { ca: options.ca } : {}),
      onDone: (conn) => this.#conns.delete(conn.info.id),
    };
    const ping = options.pingIntervalMs ?? proxyDefaults.pingIntervalMs;
    if (ping > 0) {
      this.#heartbeat = setInterval(() => {
        for (const c of this.#conns.values()) c.heartbeat();
      }, ping);
      this.#heartbeat.unref();
    }
  }

  /** The URL clients connect to (set once listening): the upstream's path on the local address. */
  get localUrl(): string | undefined {
    return this.#localUrl;
  }

  /** Starts listening; resolves with the local URL. Rejects with LISTEN_FAILED or NOT_IDLE. */
  async listen(o: ListenOptions = {}): Promise<string> {
    if (this.#server || this.#closed) throw new ProxyError('NOT_IDLE', 'this proxy is already listening or was closed');
    const host = o.host ?? '127.0.0.1';
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'close' });
      res.end(`this is a recording juggler.0 proxy to ${this.upstream}: connect with a websocket\n`);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new ProxyError('LISTEN_FAILED', `cannot listen on ${host}:${o.port ?? 0}: ${err.message}`)));
      server.listen(o.port ?? 0, host, () => resolve());
    });
    // errors after listening (a client's socket) concern one connection, never the proxy
    server.on('error', () => {});
    this.#server = server;
    const port = (server.address() as AddressInfo).port;
    const h = host.includes(':') ? `[${host}]` : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const path = this.#url.pathname && this.#url.pathname !== '/' ? this.#url.pathname : '/';
    this.#localUrl = `ws://${h}:${port}${path}`;
    return this.#localUrl;
  }

  /** Takes one upgrade request (from listen()'s server, or from an HTTP server of the caller's). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closed) {
      writeRefusal(socket, 503, undefined, 'this proxy is shutting down\n');
      return;
    }
    // a request that is not a websocket handshake is answered here, before any upstream is dialled
    const bad = handshakeProblem(req);
    if (bad) {
      writeRefusal(socket, bad.status, undefined, `${bad.message}\n`, bad.status === 426 ? { 'sec-websocket-version': '13' } : {});
      return;
    }
    const id = `${this.id}.${++this.counters.connections}`;
    const info = {
      id,
      remote: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      path: req.url ?? '/',
      upstreamUrl: upstreamUrl(this.#url, req.url),
    };
    const conn = new ProxyConnection(info, upstreamHeaders(req.headers, this.#headers), req, socket, head, this.#ctx);
    if (conn.state !== 'closed') this.#conns.set(id, conn);
  }

  connections(): ProxyConnSnapshot[] {
    return [...this.#conns.values()].map((c) => ({
      id: c.info.id,
      remote: c.info.remote,
      path: c.info.path,
      state: c.state,
      queuedToUpstream: c.toUpstream?.queued ?? 0,
      queuedToClient: c.toClient?.queued ?? 0,
    }));
  }

  /** The connection with this id, while open (tests read its relays). */
  connection(id: string): ProxyConnection | undefined {
    return this.#conns.get(id);
  }

  /** Stops listening and closes every connection both ways with 1001. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const c of [...this.#conns.values()]) c.close(CloseCode.goingAway, 'proxy shutting down');
    const server = this.#server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    this.#ctx.wss.close();
  }
}
