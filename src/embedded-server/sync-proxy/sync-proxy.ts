// A recording proxy for the juggler data-sync protocol (every generation): each client connection is
// forwarded to the upstream sync server, frames unchanged both ways, close codes and reasons passed
// through, an upgrade the upstream refuses passed to the client with its HTTP status (502 when the
// upstream cannot be reached). Every frame is reported, and decoded with the generation's codec into a
// replica of each side (wire-replicas.ts), so that a real client's and a real server's data can be
// compared. A frame that cannot be decoded is counted and still forwarded: the proxy never judges the
// traffic it watches (issue 12, item 5).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { Emitter } from '../../shared/emitter';
import { redactUrl } from '../../shared/redact-url';
import type { Generation } from '../sync/generation';
import { type WireDecodeError, WireReplicas } from './wire-replicas';

/** Request headers passed to the upstream (the rest, hop-by-hop ones and websocket keys, are the proxy's own). */
const PASSED_HEADERS = ['authorization', 'cookie', 'origin', 'user-agent', 'forwarded', 'x-forwarded-for'];
/** Largest frame forwarded, bytes (ws' own default is 100 MiB; a sync peer's 8 MiB messages fit). */
export const DEFAULT_MAX_FRAME = 64 * 1024 * 1024;
/** Bytes queued towards one side before the other side is paused (a slow reader must not grow memory). */
const HIGH_WATER = 16 * 1024 * 1024;
/** Longest body of a refused upgrade passed to the client. */
const MAX_REFUSAL_BODY = 64 * 1024;

export interface SyncProxyOptions {
  /** ws:// or wss:// URL of the sync server; a client's query string is added to it. */
  upstream: string;
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The generation spoken; undefined detects it per connection from the first frame that tells. */
  generation?: Generation;
  maxFrame?: number;
}

export interface ProxiedConnection {
  /** `c1`, `c2`... in the order clients came. */
  id: string;
  remote: string;
  replicas: WireReplicas;
}

export interface ProxyFrame {
  connId: string;
  /** `in`: client → upstream, `out`: upstream → client (as a server sees them; see attach-design.md). */
  dir: 'in' | 'out';
  text: string;
  binary: boolean;
  size: number;
  /** Why the frame could not be decoded (it was forwarded all the same). */
  error?: string;
}

export interface ProxyClose {
  connId: string;
  /** The side that closed first; its code and reason were passed to the other. */
  by: 'client' | 'server';
  code: number;
  reason: string;
}

export interface ProxyRefusal {
  remote: string;
  /** The HTTP status the client got: the upstream's, or 502 when it could not be reached. */
  status: number;
  reason: string;
}

export interface SyncProxyEvents {
  [name: string]: unknown[];
  connection: [ProxiedConnection];
  frame: [ProxyFrame];
  close: [ProxyClose];
  refused: [ProxyRefusal];
  decodeError: [WireDecodeError & { connId: string }];
}

export class SyncProxy extends Emitter<SyncProxyEvents> {
  readonly connections = new Map<string, ProxiedConnection & { client: WebSocket; server: WebSocket }>();
  #seq = 0;
  #decodeFailures = 0;
  readonly #wss: WebSocketServer;
  readonly #upstreamProtocol = new WeakMap<IncomingMessage, string>();

  private constructor(
    private readonly http: Server,
    readonly options: SyncProxyOptions & { maxFrame: number },
  ) {
    super();
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrame,
      // the client gets the subprotocol the upstream chose (sync peers use none)
      handleProtocols: (_protocols, req) => this.#upstreamProtocol.get(req) || false,
    });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
  }

  static async listen(options: SyncProxyOptions): Promise<SyncProxy> {
    let upstream: URL;
    try {
      upstream = new URL(options.upstream);
    } catch {
      throw new Error(`the upstream must be a ws:// or wss:// URL, got "${options.upstream}"`);
    }
    if (upstream.protocol !== 'ws:' && upstream.protocol !== 'wss:')
      throw new Error(`the upstream must be a ws:// or wss:// URL, got "${options.upstream}"`);
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`a juggler sync proxy: connect with a websocket; it forwards to ${redactUrl(options.upstream)}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    return new SyncProxy(http, { ...options, maxFrame: options.maxFrame ?? DEFAULT_MAX_FRAME });
  }

  /** Where clients connect: ws://HOST:PORT/ (any path: the upstream's is used). */
  get url(): string {
    const a = this.http.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `ws://${host}:${a.port}${new URL(this.options.upstream).pathname}`;
  }

  get decodeFailures(): number {
    return this.#decodeFailures;
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    socket.on('error', () => {}); // a client that goes away mid-upgrade is its own business
    const target = new URL(this.options.upstream);
    const query = (req.url ?? '').split('?')[1];
    if (query && !target.search) target.search = `?${query}`;
    const headers: Record<string, string> = {};
    for (const h of PASSED_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    headers['x-forwarded-for'] = [headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const offered = req.headers['sec-websocket-protocol'];
    const protocols = offered ? offered.split(',').map((p) => p.trim()) : undefined;
    const upstream = new WebSocket(target, protocols, { headers, maxPayload: this.options.maxFrame, followRedirects: false });
    let settled = false;
    const refuse = (status: number, statusText: string, body: string, extra: Record<string, string> = {}) => {
      if (settled) return;
      settled = true;
      this.emit('refused', { remote, status, reason: body.trim() });
      const head = [
        `HTTP/1.1 ${status} ${statusText}`,
        'Connection: close',
        `Content-Length: ${Buffer.byteLength(body)}`,
        ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    };
    upstream.on('unexpected-response', (_r, res) => {
      // the upstream's refusal reaches the client with the same status (and what says why)
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_REFUSAL_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('error', () => {});
      res.on('end', () => {
        const extra: Record<string, string> = {};
        for (const h of ['content-type', 'www-authenticate', 'location']) {
          const v = res.headers[h];
          if (typeof v === 'string') extra[h] = v;
        }
        refuse(res.statusCode ?? 502, res.statusMessage ?? '', Buffer.concat(chunks).subarray(0, MAX_REFUSAL_BODY).toString(), extra);
      });
      upstream.on('error', () => {});
    });
    upstream.on('error', (err) => {
      if (!settled)
        refuse(502, 'Bad Gateway', `the sync proxy cannot reach ${redactUrl(target.href)}: ${err.message}\n`, {
          'content-type': 'text/plain; charset=utf-8',
        });
    });
    socket.once('close', () => {
      if (!settled) {
        settled = true;
        upstream.terminate();
      }
    });
    upstream.once('open', () => {
      if (settled) return upstream.terminate();
      settled = true;
      this.#upstreamProtocol.set(req, upstream.protocol);
      // frames the upstream sends before the client's upgrade completes wait here
      const early: [RawData, boolean][] = [];
      const hold = (data: RawData, isBinary: boolean) => early.push([data, isBinary]);
      upstream.on('message', hold);
      this.#wss.handleUpgrade(req, socket, head, (client) => {
        upstream.off('message', hold);
        this.#pipe(remote, client, upstream, early);
      });
    });
  }

  #pipe(remote: string, client: WebSocket, server: WebSocket, early: [RawData, boolean][]): void {
    const id = `c${++this.#seq}`;
    const replicas = new WireReplicas(this.options.generation);
    // the failure of the frame being decoded, put on its frame event
    let failure: string | undefined;
    replicas.on('decodeError', (e) => {
      this.#decodeFailures++;
      failure = e.message;
      this.emit('decodeError', { ...e, connId: id });
    });
    const conn = { id, remote, replicas, client, server };
    this.connections.set(id, conn);
    this.emit('connection', conn);

    const forward = (from: WebSocket, to: WebSocket, dir: 'in' | 'out', data: RawData, isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (to.readyState === WebSocket.OPEN) {
        to.send(buf, { binary: isBinary }, () => {
          if (to.bufferedAmount < HIGH_WATER && from.isPaused) from.resume();
        });
        if (to.bufferedAmount >= HIGH_WATER) from.pause();
      }
      const text = isBinary ? '' : buf.toString();
      const side = dir === 'in' ? 'client' : 'server';
      failure = undefined;
      if (isBinary) replicas.binary(side);
      else if (side === 'client') replicas.fromClient(text);
      else replicas.fromServer(text);
      this.emit('frame', {
        connId: id,
        dir,
        text: isBinary ? `<binary ${buf.length} bytes>` : text,
        binary: isBinary,
        size: buf.length,
        ...(failure ? { error: failure } : {}),
      });
    };
    client.on('message', (d, b) => forward(client, server, 'in', d, b));
    server.on('message', (d, b) => forward(server, client, 'out', d, b));
    for (const [d, b] of early) forward(server, client, 'out', d, b);

    let closedBy: 'client' | 'server' | undefined;
    const passClose = (by: 'client' | 'server', to: WebSocket, code: number, reason: Buffer) => {
      if (!closedBy) {
        closedBy = by;
        this.emit('close', { connId: id, by, code, reason: reason.toString() });
      }
      if (to.readyState === WebSocket.CLOSED || to.readyState === WebSocket.CLOSING) return;
      // 1005 (no code sent) and 1006 (no close frame) cannot be sent: the other side sees the same
      if (code === 1005) to.close();
      else if (code === 1006) to.terminate();
      else to.close(code, reason);
    };
    client.on('close', (code, reason) => passClose('client', server, code, reason));
    server.on('close', (code, reason) => passClose('server', client, code, reason));
    // an error (a frame over the limit, a reset) ends in 'close' with its code; nothing to add here
    client.on('error', () => {});
    server.on('error', () => {});
    let gone = 0;
    const done = () => {
      if (++gone === 2) this.connections.delete(id);
    };
    client.once('close', done);
    server.once('close', done);
  }

  /** Stops listening and closes every proxied connection (1001 both ways). */
  async close(): Promise<void> {
    for (const c of this.connections.values()) {
      c.client.close(1001, 'the sync proxy is stopping');
      c.server.close(1001, 'the sync proxy is stopping');
    }
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.#wss.close();
  }
}
