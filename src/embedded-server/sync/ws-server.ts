// The websocket binding, server side: an HTTP server (or a mount on an existing one) whose upgrade at
// `path` becomes one peer per connection, plus the spec's HTTP behaviour (redirect, static files, Basic
// auth, TLS). Protocol semantics live in the peers; this file only moves frames.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/close-code';
import { Emitter } from '../../shared/emitter';
import { StaticFolder } from '../http/static-folder';
import { ArrivingFrames } from './arriving-frames';
import { BASIC_AUTH_CHALLENGE, type BasicAuthOptions, isAuthorized } from './basic-auth';
import type { SyncDelay } from './batcher';
import { SyncError } from './errors';
import type { Generation } from './generation';
import { DEFAULT_MAX_MESSAGE_SIZE, type FrameSink } from './peer';
import { remoteAddress } from './remote-address';
import { Replica } from './replica';
import type { RpcOptions } from './rpc';
import { SeedPeer } from './seed-peer';
import { DEFAULT_UNFINISHED_MESSAGE_TIMEOUT, UnfinishedBudget } from './segmenter';
import { type RequestHandler, ServerPeer } from './server-peer';

export type ServerConnection = SeedPeer | ServerPeer;

export interface SyncServerOptions {
  generation: Generation;
  /** Interface to listen on. Default 127.0.0.1. Ignored with `server`. */
  host?: string;
  /** Port; default 0 (any free port). Ignored with `server`. */
  port?: number;
  /** Path of the websocket upgrade. Default `/ws`. */
  path?: string;
  /**
   * Mount on this existing server instead of listening: only upgrades at `path` are taken; its HTTP
   * routes stay its owner's (who may call `handleHttp` for ours).
   */
  server?: Server;
  /** Directory served at `/`, without listings. Default none. */
  staticDir?: string;
  /** Where `GET /` redirects (302); null disables the redirect. Default `/index.html`. */
  index?: string | null;
  /** `Cache-Control: no-cache` on static responses. Default: on for 0.7, off before. */
  noCache?: boolean;
  /** HTTP Basic authentication on every route and on the upgrade. Default none. */
  basicAuth?: BasicAuthOptions;
  /** Serve HTTPS/WSS with these options (key, cert...). Default plain HTTP. */
  tls?: HttpsServerOptions;
  /** Extra HTTP routes by exact path, tried before static files. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** Batching window in ms for seed local data and 0.6/0.7 state; 0 every change; null flush only. Default 200. */
  syncDelay?: SyncDelay;
  /** Keepalive: seed PING (default off) or 0.7 transport ping (default 30,000 ms); null disables. */
  pingDelay?: number | null;
  /** Close after this many ms without a frame after a ping. Default 30,000 (seed: 5,000). */
  pingTimeout?: number;
  /** 0.7: largest segment we send. Default 65,536. */
  maxSegmentSize?: number;
  /** Largest message we accept, in UTF-16 units. Default 64 Mi. */
  maxMessageSize?: number;
  /** Deepest nesting of a received message and of the data a patch builds; deeper closes with 1009. Default 256. */
  maxDepth?: number;
  /** Most operations in one received patch (seed DATA); more closes with 1009. Default 100,000. */
  maxPatchOperations?: number;
  /** Most values the copy operations of one received patch may duplicate; more closes with 1009. Default 1,000,000. */
  maxCopiedValues?: number;
  /**
   * ms a message may take to arrive: from the first byte of a websocket frame to its end (every
   * generation), from the first 0.7 segment to the last; later closes with 1008. Default 60,000.
   */
  unfinishedMessageTimeout?: number | null;
  /**
   * What the unfinished messages of all connections may hold together: 0.7 segments (UTF-16 units) and
   * websocket frames still arriving (bytes); past it the connection holding the most is closed with 1009.
   * Default 128 Mi (at most 256 MB).
   */
  maxUnfinishedTotal?: number;
  /** 0.6/0.7: one state for all connections (true, default) or one per connection (false). */
  sharedState?: boolean;
  /** 0.6/0.7: answers requests. Without one, requests fail with "request handler not implemented". */
  requestHandler?: RequestHandler;
  /** seed: enables the rpc-over-MESSAGE layer on every connection. */
  rpc?: RpcOptions;
}

export interface SyncServerEvents {
  [name: string]: unknown[];
  /** A new connection, before any frame was read from it. */
  connection: [ServerConnection];
}

export class SyncServer extends Emitter<SyncServerEvents> {
  /** The shared state (0.6/0.7 with sharedState), null until set. */
  readonly state = new Replica('server state');
  readonly connections = new Set<ServerConnection>();
  /** 0.7: what the unfinished messages of all connections hold together, against maxUnfinishedTotal. */
  readonly unfinished: UnfinishedBudget;
  private readonly unfinishedMessageTimeout: number | null;
  private readonly sockets = new Map<ServerConnection, WebSocket>();
  private readonly wss: WebSocketServer;
  private readonly path: string;
  private readonly ownServer: boolean;
  /** The static folder, resolved once at start (a relative --static works, symlinks out are refused). */
  private readonly staticFolder: StaticFolder | undefined;
  private closing: Promise<void> | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  private constructor(
    private readonly options: SyncServerOptions,
    readonly httpServer: Server,
  ) {
    super();
    this.path = options.path ?? '/ws';
    this.ownServer = options.server === undefined;
    this.staticFolder = options.staticDir ? new StaticFolder(options.staticDir) : undefined;
    this.unfinished = new UnfinishedBudget(options.maxUnfinishedTotal);
    this.unfinishedMessageTimeout =
      options.unfinishedMessageTimeout === undefined ? DEFAULT_UNFINISHED_MESSAGE_TIMEOUT : options.unfinishedMessageTimeout;
    const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    // a UTF-16 unit takes at most 3 bytes of UTF-8; plus the JSON envelope
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageSize * 3 + 1024 });
    httpServer.on('upgrade', this.onUpgrade);
  }

  /** Starts a server (or mounts on `options.server`); resolves once it listens. */
  static async listen(options: SyncServerOptions): Promise<SyncServer> {
    if (options.server) return new SyncServer(options, options.server);
    const handler = (req: IncomingMessage, res: ServerResponse) => void server.handleHttp(req, res);
    const http = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
    const server = new SyncServer(options, http as Server);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get generation(): Generation {
    return this.options.generation;
  }

  /** The address the websocket endpoint is reachable at, e.g. ws://127.0.0.1:9200/ws. */
  get url(): string {
    const addr = this.httpServer.address() as AddressInfo | null;
    if (!addr) throw new SyncError('CONNECTION_CLOSED', 'the server is not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `${this.options.tls ? 'wss' : 'ws'}://${host}:${addr.port}${this.path}`;
  }

  get port(): number {
    return (this.httpServer.address() as AddressInfo).port;
  }

  /** Sets the shared state; each connection sends it after its batching window. */
  setState(value: unknown): void {
    this.state.set(value);
  }

  /** Sends pending state changes of every connection now. */
  async flush(): Promise<void> {
    await Promise.all([...this.connections].map((c) => c.flush()));
  }

  /** 0.6/0.7: a notification to every open connection. */
  notify(name: string, data: unknown): void {
    for (const c of this.connections) if (c instanceof ServerPeer && c.isOpen) c.notify(name, data);
  }

  /** Our HTTP routes: Basic auth, extra routes, `/` redirect, static files, else 404. */
  async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAuthorized(req, this.options.basicAuth)) {
      res.writeHead(401, { 'WWW-Authenticate': BASIC_AUTH_CHALLENGE }).end();
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const route = this.options.routes?.[pathname];
    if (route) return route(req, res);
    const index = this.options.index === undefined ? '/index.html' : this.options.index;
    if ((req.method === 'GET' || req.method === 'HEAD') && pathname === '/' && index !== null) {
      res.writeHead(302, { Location: index }).end();
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && this.staticFolder) {
      const noCache = this.options.noCache ?? this.options.generation === '0.7';
      // every refusal (bad path, outside the folder, nothing there) is the one 404 below
      if ((await this.staticFolder.serve(req, res, pathname, { noCache })).kind === 'file') return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname !== this.path) {
      // mounted: other upgrade listeners may own this path
      if (this.ownServer) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isAuthorized(req, this.options.basicAuth)) {
      socket.end(`HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ${BASIC_AUTH_CHALLENGE}\r\nConnection: close\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const sink: FrameSink = {
      send: (frame) => ws.send(frame),
      close: (code, reason) => ws.close(code, reason),
    };
    const o = this.options;
    const peer: ServerConnection =
      o.generation === 'seed'
        ? new SeedPeer(sink, {
            syncDelay: o.syncDelay === undefined ? 200 : o.syncDelay,
            pingDelay: o.pingDelay ?? null,
            pingTimeout: o.pingTimeout,
            rpc: o.rpc,
            maxMessageSize: o.maxMessageSize,
            maxDepth: o.maxDepth,
            maxPatchOperations: o.maxPatchOperations,
            maxCopiedValues: o.maxCopiedValues,
          })
        : new ServerPeer(sink, {
            generation: o.generation,
            syncDelay: o.syncDelay,
            state: o.sharedState === false ? undefined : this.state,
            requestHandler: o.requestHandler,
            pingDelay: o.pingDelay,
            pingTimeout: o.pingTimeout,
            maxSegmentSize: o.maxSegmentSize,
            maxMessageSize: o.maxMessageSize,
            maxDepth: o.maxDepth,
            maxPatchOperations: o.maxPatchOperations,
            maxCopiedValues: o.maxCopiedValues,
            unfinishedMessageTimeout: o.unfinishedMessageTimeout,
            unfinishedBudget: this.unfinished,
            remoteAddress: remoteAddress(req),
          });
    this.connections.add(peer);
    this.sockets.set(peer, ws);
    // before ws's own listener, so that a message completed by a chunk is delivered after it is counted
    const arriving = new ArrivingFrames(this.unfinished, this.unfinishedMessageTimeout, (error) => {
      peer.close(error.closeCode, error.closeReason());
      // what ws buffered goes with the socket: do not wait for a close handshake the sender may never do
      setTimeout(() => ws.terminate(), 100).unref();
    });
    const onData = (chunk: Buffer) => arriving.received(chunk.length);
    req.socket.prependListener('data', onData);
    const delivered = () => arriving.delivered();
    ws.on('ping', delivered);
    ws.on('pong', delivered);
    ws.on('message', (data, isBinary) => {
      arriving.delivered();
      peer.receive(isBinary ? (data as Buffer) : data.toString(), isBinary);
    });
    // ws reports a frame that breaks the websocket protocol (invalid UTF-8, oversize, bad opcode, unmasked)
    // as 'error' and closes with the right code but no reason; its receiver is internal, but listening
    // first lets us send that code with a reason the other side can act on (ws then finds the close under
    // way). Found by the fuzz test (fuzz.test.ts).
    const receiver = (ws as unknown as { _receiver?: NodeJS.EventEmitter })._receiver;
    receiver?.prependListener('error', (err: Error) => peer.close(...websocketErrorClose(err, this.wss.options.maxPayload ?? 0)));
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      req.socket.off('data', onData);
      arriving.delivered();
      this.connections.delete(peer);
      this.sockets.delete(peer);
      peer.transportClosed(code, reason.toString());
    });
    this.emit('connection', peer);
  }

  /**
   * Closes every connection (1001) and stops listening. Connections that do not finish the close
   * handshake within 100 ms are cut, so that closing is prompt (spec: within 0.1 s).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.httpServer.off('upgrade', this.onUpgrade);
      const closed = [...this.sockets.values()].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
      for (const peer of [...this.connections]) peer.close(CloseCode.goingAway, 'server closing');
      const cut = setTimeout(() => {
        for (const ws of this.sockets.values()) ws.terminate();
      }, 100);
      await Promise.all(closed);
      clearTimeout(cut);
      this.wss.close();
      if (this.ownServer) {
        await new Promise<void>((resolve) => {
          this.httpServer.close(() => resolve());
          this.httpServer.closeAllConnections();
        });
      }
    })();
    return this.closing;
  }
}

/** The close code ws attached to a websocket protocol error, and a reason that fits a close frame. */
function websocketErrorClose(err: Error, maxPayload: number): [number, string] {
  const sym = Object.getOwnPropertySymbols(err).find((s) => s.description === 'status-code');
  const code = (sym ? (err as unknown as Record<symbol, number>)[sym] : undefined) ?? CloseCode.protocolError;
  const error =
    code === CloseCode.messageTooBig
      ? new SyncError('MESSAGE_TOO_BIG', `a frame exceeds ${maxPayload} bytes (raise maxMessageSize)`, { closeCode: code })
      : new SyncError('MALFORMED_MESSAGE', `websocket protocol error: ${err.message}`, { closeCode: code });
  return [code, error.closeReason()];
}
