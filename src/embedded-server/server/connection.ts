// One websocket connection of the server: its identity, what it may send, its write queue with the
// limits, and how it is closed. Protocol processing lives in process.ts; this file only moves frames.
import type WebSocket from 'ws';
import { CloseCode } from '../../shared/close-code';
import type { EventListener } from '../broker/broker';
import { encodeFrame, type MessageType, type Response, truncateUtf8 } from '../message';
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
  /** Requests read and not yet answered (waiting in `queue` or being processed), and their bytes. */
  queued = 0;
  queuedBytes = 0;
  /** The most requests ever queued at once on this connection (what the read-queue limit bounds). */
  queuedPeak = 0;
  /** True while its socket is paused because `queued` or `queuedBytes` passed the read-queue limits. */
  readPaused = false;
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

  /**
   * A request was read: counts it, and stops reading the socket once past a read-queue limit, so that
   * a flood waits in the client's TCP buffers, not in our heap. True when this paused the socket.
   */
  enqueued(bytes: number): boolean {
    this.queued++;
    this.queuedBytes += bytes;
    if (this.queued > this.queuedPeak) this.queuedPeak = this.queued;
    if (this.readPaused || (this.queued <= this.opts.readQueueLimit && this.queuedBytes <= this.opts.readQueueBytes)) return false;
    this.readPaused = true;
    this.ws.pause();
    return true;
  }

  /** A request was answered (or dropped): reading resumes once the queue is down to half its limits. */
  dequeued(bytes: number): void {
    this.queued--;
    this.queuedBytes -= bytes;
    if (!this.readPaused || this.queued > this.opts.readQueueLimit / 2 || this.queuedBytes > this.opts.readQueueBytes / 2) return;
    this.readPaused = false;
    // the client was not silent, we were not listening: the read timeout starts again now
    this.lastSeen = performance.now();
    this.ws.resume();
  }

  /** Writes one frame (after the out chain), enforcing the write limit and the write-queue limit. */
  write(msg: Response): void {
    if (this.state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    const text = encodeFrame(msg);
    if (text.length > this.opts.writeLimit && Buffer.byteLength(text) > this.opts.writeLimit) {
      this.close(
        CloseCode.messageTooBig,
        `outgoing frame of ${Buffer.byteLength(text)} bytes exceeds the write limit of ${this.opts.writeLimit}`,
      );
      return;
    }
    if (this.ws.bufferedAmount > this.opts.writeQueueLimit) {
      this.close(CloseCode.policyViolation, `slow consumer: more than ${this.opts.writeQueueLimit} bytes waiting to be written`);
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
    // a paused socket would never read the client's close frame; what else it reads is dropped (closed)
    if (this.readPaused) {
      this.readPaused = false;
      this.ws.resume();
    }
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
    this.#markClosed({ code: CloseCode.goingAway, reason, by: 'server' });
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
