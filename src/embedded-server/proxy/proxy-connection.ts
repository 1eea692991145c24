// One client connection through the proxy: dial the upstream with the client's subprotocols, path,
// query and allowed headers; complete the client's upgrade only once the upstream accepted (with the
// subprotocol it chose), or pass its refusal on; then relay frames both ways and pass closes through.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { type WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/close-code';
import { truncateUtf8 } from '../message';
import { offeredProtocols } from '../server/upgrade';
import { wireCloseCode, wireCloseReason } from './close-codes';
import { ProxyError } from './errors';
import type { ProxyCloseInfo, ProxyConnInfo, ProxyHooks } from './hooks';
import { REFUSAL_BODY_LIMIT, writeRefusal } from './refusal';
import { Relay } from './relay';

export interface ProxyCounters {
  connections: number;
  open: number;
  refused: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** What a connection needs from its proxy. */
export interface ConnectionContext {
  wss: WebSocketServer;
  /** The subprotocol to answer the client with, per request (read by the server's handleProtocols). */
  chosen: WeakMap<IncomingMessage, string>;
  hooks: ProxyHooks;
  counters: ProxyCounters;
  readLimit: number;
  highWaterMark: number;
  upstreamTimeoutMs: number;
  ca?: string;
  onDone(conn: ProxyConnection): void;
}

/** ws's error codes for a peer that broke the protocol, and the close code it sent that peer. */
function closeCodeOf(err: Error): number {
  switch ((err as { code?: string }).code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return CloseCode.messageTooBig;
    case 'WS_ERR_INVALID_UTF8':
      return CloseCode.invalidPayload;
    default:
      return CloseCode.protocolError;
  }
}

const CLOSE_GRACE_MS = 5000;

export class ProxyConnection {
  state: 'connecting' | 'connected' | 'closed' = 'connecting';
  client: WebSocket | undefined;
  readonly upstream: WebSocket;
  toUpstream: Relay | undefined;
  toClient: Relay | undefined;
  closeInfo: ProxyCloseInfo | undefined;
  /** Sides pinged by heartbeat() that have not answered yet. */
  readonly #awaitingPong = new Set<WebSocket>();

  constructor(
    readonly info: ProxyConnInfo,
    headers: Record<string, string>,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    private readonly ctx: ConnectionContext,
  ) {
    ctx.hooks.onConnState?.(info, 'connecting');
    const up = new WebSocket(info.upstreamUrl, offeredProtocols(req), {
      headers,
      maxPayload: ctx.readLimit,
      perMessageDeflate: false,
      handshakeTimeout: ctx.upstreamTimeoutMs,
      followRedirects: false,
      ...(ctx.ca ? { ca: ctx.ca } : {}),
    });
    this.upstream = up;
    // until the upstream answers, the client's socket is only waiting
    let settled = false;
    const clientGone = () => {
      if (settled) return;
      settled = true;
      up.terminate();
      this.#done({ code: CloseCode.goingAway, reason: 'the client left before the upstream answered', by: 'client', refused: true });
    };
    socket.once('close', clientGone);
    socket.on('error', () => socket.destroy());
    up.on('error', (err) => {
      if (!settled) {
        settled = true;
        socket.off('close', clientGone);
        const timedOut = /timed out/i.test(err.message);
        const status = timedOut ? 504 : 502;
        const reason = timedOut
          ? `upstream ${info.upstreamUrl} did not answer within ${ctx.upstreamTimeoutMs} ms`
          : `upstream ${info.upstreamUrl} is unreachable: ${err.message}`;
        writeRefusal(socket, status, undefined, `${reason}\n`);
        this.#done({ code: status, reason, by: 'proxy', refused: true });
        ctx.hooks.onError?.(new ProxyError('CONNECTION_FAILED', reason), info.id);
      } else if (this.state === 'connected') this.#failed('upstream', err);
    });
    up.once('unexpected-response', (_r, res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      socket.off('close', clientGone);
      const chunks: Buffer[] = [];
      let n = 0;
      let written = false;
      const finish = () => {
        if (written) return;
        written = true;
        const status = res.statusCode ?? 502;
        writeRefusal(socket, status, res.statusMessage, Buffer.concat(chunks), res.headers);
        res.destroy();
        up.terminate();
        const body = Buffer.concat(chunks).toString().trim();
        this.#done({
          code: status,
          reason: `upstream refused the upgrade: ${status} ${res.statusMessage ?? ''}${body ? `: ${truncateUtf8(body, 200)}` : ''}`.trim(),
          by: 'upstream',
          refused: true,
        });
      };
      res.on('data', (b: Buffer) => {
        if (n >= REFUSAL_BODY_LIMIT) return;
        const part = b.subarray(0, REFUSAL_BODY_LIMIT - n);
        chunks.push(part);
        n += part.length;
        if (n >= REFUSAL_BODY_LIMIT) finish();
      });
      res.once('end', finish);
      res.once('error', finish);
      res.once('close', finish);
    });
    up.once('open', () => {
      if (settled) {
        up.terminate();
        return;
      }
      settled = true;
      socket.off('close', clientGone);
      ctx.chosen.set(req, up.protocol);
      // frames the upstream sends before the client is upgraded wait in its socket
      up.pause();
      ctx.wss.handleUpgrade(req, socket, head, (client) => this.#connected(client));
      // ws completes an upgrade synchronously; it drops one whose socket closed meanwhile without
      // calling back: the upstream connection must not be left open for nobody
      if (this.state === 'connecting') {
        up.terminate();
        this.#done({ code: CloseCode.goingAway, reason: 'the client left while the upstream accepted', by: 'client', refused: true });
      }
    });
  }

  #connected(client: WebSocket): void {
    const { hooks, counters, highWaterMark } = this.ctx;
    const up = this.upstream;
    this.client = client;
    this.state = 'connected';
    counters.open++;
    const toUpstream = new Relay(client, up, highWaterMark);
    const toClient = new Relay(up, client, highWaterMark);
    this.toUpstream = toUpstream;
    this.toClient = toClient;
    const id = this.info.id;
    client.on('message', (data: Buffer, binary: boolean) => {
      const at = performance.now();
      toUpstream.forward(data, binary);
      counters.framesIn++;
      counters.bytesIn += data.length;
      hooks.onFrame?.({ connId: id, direction: 'in', text: data.toString(), binary, size: data.length, at });
    });
    up.on('message', (data: Buffer, binary: boolean) => {
      const at = performance.now();
      toClient.forward(data, binary);
      counters.framesOut++;
      counters.bytesOut += data.length;
      hooks.onFrame?.({ connId: id, direction: 'out', text: data.toString(), binary, size: data.length, at });
    });
    client.on('pong', () => this.#awaitingPong.delete(client));
    up.on('pong', () => this.#awaitingPong.delete(up));
    client.on('error', (err) => this.#failed('client', err));
    client.on('close', (code, reason) => this.#closedBy('client', code, reason.toString()));
    up.on('close', (code, reason) => this.#closedBy('upstream', code, reason.toString()));
    hooks.onConnState?.(this.info, 'connected');
    up.resume();
  }

  /** `side` sent a close frame (or its socket ended): the other side gets the same code and reason. */
  #closedBy(side: 'client' | 'upstream', code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.#closeSide(side === 'client' ? this.upstream : this.client!, wireCloseCode(code), wireCloseReason(code, reason, side));
    this.#done({ code, reason, by: side });
  }

  /** `side` broke the protocol (oversized frame, bad UTF-8) or its socket failed: ws closes it; the other gets 1001. */
  #failed(side: 'client' | 'upstream', err: Error): void {
    if (this.state === 'closed') return;
    const reason = `proxy: the ${side} connection failed: ${err.message}`;
    this.#closeSide(side === 'client' ? this.upstream : this.client!, CloseCode.goingAway, reason);
    this.#done({ code: closeCodeOf(err), reason: err.message, by: 'proxy' });
    this.ctx.hooks.onError?.(new ProxyError('CONNECTION_FAILED', `${this.info.id}: ${reason}`), this.info.id);
  }

  /**
   * One keep-alive round: a side that did not answer the last ping is dropped, the others are pinged.
   * A side the proxy stopped reading (flow control) cannot be seen answering: it is pinged but not
   * judged; a ping written to a dead socket fails, which closes it all the same.
   */
  heartbeat(): void {
    if (this.state !== 'connected') return;
    for (const ws of [this.client!, this.upstream]) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (this.#awaitingPong.has(ws) && !ws.isPaused) {
        ws.terminate();
        continue;
      }
      this.#awaitingPong.add(ws);
      ws.ping();
    }
  }

  /** Closes both sides (proxy shutdown). */
  close(code: number, reason: string): void {
    if (this.state === 'connecting') {
      this.upstream.terminate();
      return;
    }
    if (this.state === 'closed') return;
    this.#closeSide(this.client!, code, reason);
    this.#closeSide(this.upstream, code, reason);
    this.#done({ code, reason, by: 'proxy' });
  }

  #closeSide(ws: WebSocket, code: number | undefined, reason: string): void {
    if (ws.readyState === WebSocket.OPEN) {
      if (code === undefined) ws.close();
      else ws.close(code, truncateUtf8(reason, 123));
    }
    // a peer that never answers the close frame (or never drains) is dropped
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  #done(info: ProxyCloseInfo): void {
    if (this.state === 'closed') return;
    if (this.state === 'connected') this.ctx.counters.open--;
    else this.ctx.counters.refused++;
    this.state = 'closed';
    this.closeInfo = info;
    this.ctx.hooks.onConnState?.(this.info, 'closed', info);
    this.ctx.onDone(this);
  }
}
