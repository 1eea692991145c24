// Web mode: the built renderer over HTTP and the bridge over a websocket, on loopback only. The
// bridge needs the per-launch token from the printed URL and an Origin of this very server, so that
// other local pages and processes cannot drive the Studio.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { BridgeDispatcher } from '../embedded-server/bridge/dispatcher';
import { BridgeErrorCode } from '../shared/bridge/errors';
import { StaticFolder, serveStatic } from './static-files';

export const BRIDGE_PATH = '/bridge';
const TOKEN_REFUSED = 'missing or wrong token: open the URL the Studio printed';

export interface WebHostOptions {
  dispatcher: BridgeDispatcher;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /** Frames that may wait for a slow page before it is disconnected, bytes. Default 64 MiB. */
  maxBufferedBytes?: number;
}

export class WebHost {
  readonly token: string;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 256 << 20, perMessageDeflate: false });
  readonly #opts: WebHostOptions;

  private constructor(opts: WebHostOptions) {
    this.#opts = opts;
    this.token = opts.token ?? randomBytes(32).toString('hex');
    // resolved once, here: a relative --renderer works, and what is served cannot move afterwards
    const folder = new StaticFolder(opts.rendererDir);
    this.#http = createServer((req, res) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === BRIDGE_PATH) this.#checkToken(req, res);
      else serveStatic(folder, req, res).catch(() => res.destroy());
    });
    this.#http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  static async start(opts: WebHostOptions): Promise<WebHost> {
    const h = new WebHost(opts);
    await new Promise<void>((resolve, reject) => {
      h.#http.once('error', reject);
      h.#http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    return h;
  }

  get origin(): string {
    const a = this.#http.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** The URL to open: the page, with the token it hands to the bridge. */
  get url(): string {
    return `${this.origin}/?token=${this.token}`;
  }

  #tokenOk(given: string | null): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * A plain GET of the bridge path says whether a token would be accepted: a browser's WebSocket hides
   * the status of a refused upgrade (it sees only 1006), so the page asks here to tell the user why.
   */
  #checkToken(req: IncomingMessage, res: ServerResponse): void {
    const ok = this.#tokenOk(new URL(req.url ?? '/', this.origin).searchParams.get('token'));
    res.writeHead(ok ? 204 : 403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(ok ? undefined : `${TOKEN_REFUSED}\n`);
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, why: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`,
      );
    };
    const u = new URL(req.url ?? '/', this.origin);
    if (u.pathname !== BRIDGE_PATH) {
      refuse(404, `no websocket at ${u.pathname}`);
      return;
    }
    const origin = req.headers.origin;
    const allowed = [this.origin, this.origin.replace('127.0.0.1', 'localhost')];
    if (!origin || !allowed.includes(origin)) {
      refuse(403, `origin ${origin ?? '(none)'} may not use this bridge`);
      return;
    }
    if (!this.#tokenOk(u.searchParams.get('token'))) {
      refuse(403, TOKEN_REFUSED);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const limit = this.#opts.maxBufferedBytes ?? 64 << 20;
      const session = this.#opts.dispatcher.attach((frame) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > limit) {
          ws.close(1008, 'the page is not reading its bridge frames fast enough');
          return;
        }
        ws.send(JSON.stringify(frame));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          ws.send(JSON.stringify({ kind: 'error', payload: { code: BridgeErrorCode.BadFrame, message: 'bridge frames are JSON text' } }));
          return;
        }
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          ws.send(JSON.stringify({ kind: 'error', payload: { code: BridgeErrorCode.BadFrame, message: 'a bridge frame must be JSON' } }));
          return;
        }
        session.receive(frame);
      });
      ws.on('close', () => session.close());
      ws.on('error', () => session.close());
    });
  }

  async close(): Promise<void> {
    for (const c of this.#wss.clients) c.close(1001, 'the Studio is shutting down');
    this.#wss.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeAllConnections();
  }
}
