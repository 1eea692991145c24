// The transport-independent half of a connection: lifecycle, framing (plain frames, or 0.7 segments with
// transport ping), keepalive and closing on bad input. A binding (ws-server, ws-client, a test) hands it
// received frames and the socket's close, and gives it a FrameSink to write to. No socket in here.

import { CloseCode } from '../../shared/close-code';
import { Emitter } from '../../shared/emitter';
import { DEFAULT_MAX_DEPTH, textDepth, tooDeep } from '../../shared/json-patch/json-depth';
import type { PatchLimits } from '../../shared/json-patch/patch';
import { connectionClosed, protocolError, type SyncError } from './errors';
import type { Generation } from './generation';
import { Keepalive, type KeepaliveOptions } from './keepalive';
import { DEFAULT_MAX_SEGMENT_SIZE, DEFAULT_UNFINISHED_MESSAGE_TIMEOUT, Reassembler, segment, type UnfinishedBudget } from './segmenter';

/** What a peer writes to. `send` must keep frames in order. */
export interface FrameSink {
  send(frame: string): void;
  close(code: number, reason: string): void;
}

export interface CloseEvent {
  /** The close code (ours when we closed, the other side's when it did; 1005 when it gave none). */
  readonly code: number;
  readonly reason: string;
  /** Set when the connection ended because of a protocol error (ours, or a received frame's). */
  readonly error?: SyncError;
}

export interface PeerEvents {
  [name: string]: unknown[];
  close: [CloseEvent];
  /** A protocol error that closed this connection (also carried by the close event). */
  error: [SyncError];
}

export interface PeerOptions {
  /** 0.7 only: largest payload of one segment we send, in UTF-16 units. Default 65,536. */
  maxSegmentSize?: number;
  /** Largest user message we accept, in UTF-16 units. Default 64 Mi (the upstream suite sends 8 MiB). */
  maxMessageSize?: number;
  /**
   * Deepest nesting of arrays and objects we accept in a received message (its envelope included) and in
   * the data a received patch builds; deeper closes with 1009 (TOO_DEEP). Default 256 (json-depth.ts).
   */
  maxDepth?: number;
  /** Most operations in one received patch; more closes with 1009 (TOO_MANY_OPERATIONS). Default 100,000 (patch.ts). */
  maxPatchOperations?: number;
  /** Most values the copy operations of one received patch may duplicate; more closes with 1009 (PATCH_TOO_LARGE). Default 1,000,000. */
  maxCopiedValues?: number;
  /**
   * 0.7 only: ms from a message's first segment to its last; later closes with 1008
   * (UNFINISHED_MESSAGE_TIMEOUT). null: no limit. Default 60,000 (segmenter.ts).
   */
  unfinishedMessageTimeout?: number | null;
  /** 0.7 only: the server-wide cap on unfinished messages this connection shares. Default none. */
  unfinishedBudget?: UnfinishedBudget;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

export abstract class Peer<Events extends PeerEvents = PeerEvents> extends Emitter<Events> {
  private open = true;
  private readonly reassembler: Reassembler | undefined;
  private readonly maxSegmentSize: number;
  private readonly maxMessageSize: number;
  private readonly maxDepth: number;
  /** The bounds a received patch is applied within. */
  protected readonly patchLimits: PatchLimits;
  private keepalive: Keepalive | undefined;

  protected constructor(
    readonly generation: Generation,
    private readonly sink: FrameSink,
    options: PeerOptions,
  ) {
    super();
    this.maxSegmentSize = options.maxSegmentSize ?? DEFAULT_MAX_SEGMENT_SIZE;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.patchLimits = { maxDepth: this.maxDepth, maxOperations: options.maxPatchOperations, maxCopiedValues: options.maxCopiedValues };
    if (generation === '0.7') {
      this.reassembler = new Reassembler({
        maxMessageSize: this.maxMessageSize,
        timeout: options.unfinishedMessageTimeout === undefined ? DEFAULT_UNFINISHED_MESSAGE_TIMEOUT : options.unfinishedMessageTimeout,
        budget: options.unfinishedBudget,
        onDropped: (error) => this.fail(error),
      });
    }
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Starts the keepalive: `ping` sends whatever this generation pings with. */
  protected startKeepalive(options: KeepaliveOptions, ping: () => void): void {
    if (options.delay === null) return;
    this.keepalive = new Keepalive(options, ping, () =>
      this.fail(
        protocolError('PING_TIMEOUT', `no frame arrived within ${options.timeout} ms of a ping (pingTimeout)`, CloseCode.goingAway),
      ),
    );
    this.keepalive.alive();
  }

  /** 0.7's transport ping: a `2` frame, outside any user message. */
  protected sendTransportPing(): void {
    if (this.open) this.sink.send('2');
  }

  /** Feed one received websocket frame. Bad input closes this connection; it never throws. */
  receive(frame: string | ArrayBuffer | ArrayBufferView | ArrayBuffer[], isBinary = typeof frame !== 'string'): void {
    if (!this.open) return;
    try {
      if (isBinary || typeof frame !== 'string') {
        throw protocolError('BINARY_FRAME', 'a binary frame: juggler sync speaks JSON in text frames only', CloseCode.unsupportedData);
      }
      this.keepalive?.alive();
      if (!this.reassembler) {
        if (frame.length > this.maxMessageSize) {
          throw protocolError(
            'MESSAGE_TOO_BIG',
            `a message exceeds the limit of ${this.maxMessageSize} characters (raise maxMessageSize)`,
            CloseCode.messageTooBig,
          );
        }
        this.handleChecked(frame);
        return;
      }
      const event = this.reassembler.push(frame);
      if (event.kind === 'ping') this.sink.send(`3${event.payload}`);
      else if (event.kind === 'message') this.handleChecked(event.text);
    } catch (err) {
      this.fail(err as SyncError);
    }
  }

  /** Refuses a message nested deeper than maxDepth before anything parses or copies it. */
  private handleChecked(text: string): void {
    if (textDepth(text, this.maxDepth) > this.maxDepth) throw tooDeep('a message', this.maxDepth);
    this.handleMessage(text);
  }

  /** The socket closed (either side): pending work fails with CONNECTION_CLOSED. */
  transportClosed(code: number, reason: string): void {
    this.finish({ code, reason });
  }

  /** Closes the connection; pending local changes are dropped, not flushed (spec). */
  close(code: number = CloseCode.normal, reason = ''): void {
    if (!this.open) return;
    this.sink.close(code, reason);
    this.finish({ code, reason });
  }

  /** Sends one user message: one frame, or 0.7 segments cut on code-point boundaries. */
  protected sendMessage(text: string, what: string): void {
    if (!this.open) throw connectionClosed(what);
    if (!this.reassembler) {
      this.sink.send(text);
      return;
    }
    for (const frame of segment(text, this.maxSegmentSize)) this.sink.send(frame);
  }

  /** Ends the connection because of a protocol error: close code and reason from the error. */
  protected fail(error: SyncError): void {
    if (!this.open) return;
    if (error.closeCode === undefined) throw error; // a bug of ours, not bad input: do not hide it
    this.emit('error', error);
    const reason = error.closeReason();
    this.sink.close(error.closeCode, reason);
    this.finish({ code: error.closeCode, reason, error });
  }

  /**
   * A listener of this connection's events threw (a log line or a trace that could not handle the data):
   * logged, and this connection ends with 1011, the process and the other connections go on.
   */
  protected override listenerFailed(name: keyof Events, error: unknown): void {
    super.listenerFailed(name, error);
    if (!this.open || name === 'error' || name === 'close') return;
    const why = error instanceof Error ? error.message : String(error);
    this.fail(protocolError('LISTENER_FAILED', `a '${String(name)}' listener failed on this connection: ${why}`, CloseCode.internalError));
  }

  private finish(event: CloseEvent): void {
    if (!this.open) return;
    this.open = false;
    this.keepalive?.stop();
    this.reassembler?.clear();
    this.onClosed();
    this.emit('close', event);
  }

  /** One complete user message of this generation. Throw a SyncError with a close code to reject it. */
  protected abstract handleMessage(text: string): void;

  /** Drop timers, reject pending promises. */
  protected abstract onClosed(): void;
}
