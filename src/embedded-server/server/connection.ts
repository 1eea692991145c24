// One websocket connection of the server: its identity, what it may send, its write queue with the
// limits, and how it is closed. Protocol processing lives in process.ts; this file only moves frames.
import type WebSocket from 'ws';
import type { EventListener } from '../broker/redis/pubsub';
import { CloseCode, encodeFrame, type MessageType, type Response, truncateUtf8 } from '../message';
import type { ResolvedServerOptions } from './options';

export type ConnState = 'accepting' | 'connected' | 'closed';

export interface CloseInfo {
  code: number;
  reason: string;
  /** Who closed: 'server' for our closes (errors, limits, shutdown), 'client' otherwise. */
  by: 'server' | 'client';
}

export class Connection {
  state: ConnState = 'accepting';
  closeInfo: CloseInfo | undefined;
  /** Receives EVNTs for this connection's subscriptions (set by the server). */
  listener: EventListener = () => undefined;
  /** Requests read, in order; processing of one waits for the previous (as Go's read loop does). */
  queue: Promise<void> = Promise.resolve();
  lastSeen = performance.now();
  /** False once a bad frame was read: the connection is closing after its queued requests. */
  reading = true;
  /** Sends not yet flushed to the socket, and when the oldest of them started. */
  #unflushed = 0;
  #oldestUnflushedAt = 0;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly remoteAddress: string,
    readonly allowed: ReadonlySet<MessageType>,
    private readonly opts: ResolvedServerOptions,
    private readonly onWrite: (conn: Connection, text: string, msg: Response) => void,
    private readonly onClosing: (conn: Connection, info: CloseInfo) => void,
  ) {}

  /** Writes one frame (after the out chain), enforcing the write limit and the write-queue limit. */
  write(msg: Response): void {
    if (this.state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    const text = encodeFrame(msg);
    if (text.length > this.opts.writeLimit && Buffer.byteLength(text) > this.opts.writeLimit) {
      this.close(
        CloseCode.MessageTooBig,
        `outgoing frame of ${Buffer.byteLength(text)} bytes exceeds the write limit of ${this.opts.writeLimit}`,
      );
      return;
    }
    if (this.ws.bufferedAmount > this.opts.writeQueueLimit) {
      this.close(CloseCode.PolicyViolation, `slow consumer: more than ${this.opts.writeQueueLimit} bytes waiting to be written`);
      return;
    }
    if (this.#unflushed++ === 0) this.#oldestUnflushedAt = performance.now();
    this.ws.send(text, () => {
      if (--this.#unflushed === 0) this.#oldestUnflushedAt = 0;
    });
    this.onWrite(this, text, msg);
  }

  /** Milliseconds the oldest unflushed write has waited (0 when all are flushed). */
  get writeWaitMs(): number {
    return this.#oldestUnflushedAt ? performance.now() - this.#oldestUnflushedAt : 0;
  }

  /** Closes with a close frame; the socket is destroyed if the peer does not answer in time. */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.#markClosed({ code, reason, by: 'server' });
    try {
      this.ws.close(code, truncateUtf8(reason, 123));
    } catch {
      this.ws.terminate();
    }
    const t = setTimeout(() => this.ws.terminate(), 2000);
    t.unref();
  }

  /** Drops the TCP connection at once (a peer that does not answer pings or close frames). */
  terminate(reason: string): void {
    if (this.state === 'closed') return;
    this.#markClosed({ code: CloseCode.GoingAway, reason, by: 'server' });
    this.ws.terminate();
  }

  /** The socket closed (either side). */
  closed(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.#markClosed({ code, reason, by: 'client' });
  }

  #markClosed(info: CloseInfo): void {
    this.state = 'closed';
    this.closeInfo = info;
    this.onClosing(this, info);
  }
}
