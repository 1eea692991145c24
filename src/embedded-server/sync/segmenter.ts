// Generation 0.7 transport: every text frame is one header character and a payload. `0` ends a user
// message, `1` is a segment with more to follow, `2` is a ping request, `3` its response.

import { CloseCode } from '../../shared/close-code';
import { protocolError, type SyncError } from './errors';
import { mismatch } from './message-decoding';

export const DEFAULT_MAX_SEGMENT_SIZE = 65_536;

/**
 * Cuts `text` into frames of at most `maxSegmentSize` UTF-16 units of payload, never between the two
 * halves of a surrogate pair (the JS client does, and corrupts an emoji on a boundary). With a size of 1 a
 * pair still travels whole, as 2 units: a code point cannot be split.
 */
export function segment(text: string, maxSegmentSize = DEFAULT_MAX_SEGMENT_SIZE): string[] {
  if (!(maxSegmentSize >= 1)) throw new RangeError(`maxSegmentSize must be at least 1, got ${maxSegmentSize}`);
  if (text.length <= maxSegmentSize) return [`0${text}`];
  const frames: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    let end = Math.min(pos + maxSegmentSize, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) {
      end = end - 1 > pos ? end - 1 : end + 1;
    }
    frames.push((end < text.length ? '1' : '0') + text.slice(pos, end));
    pos = end;
  }
  return frames;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

export type TransportEvent = { kind: 'message'; text: string } | { kind: 'ping'; payload: string } | { kind: 'pong' } | { kind: 'segment' };

/**
 * How long a message may take from its first segment to its last, in ms, before the connection is closed
 * with 1008 (UNFINISHED_MESSAGE_TIMEOUT). Default 60,000: a 64 Mi message over a slow link still makes
 * it, while a peer that starts a message and never ends it holds its memory for a minute at most.
 */
export const DEFAULT_UNFINISHED_MESSAGE_TIMEOUT = 60_000;

/**
 * What the unfinished messages of all the connections of one server may hold together, in UTF-16 units
 * (at most 2 bytes each). Default 128 Mi: two full-size messages at once. Past it, the connection holding
 * the most is closed with 1009 (UNFINISHED_TOTAL_EXCEEDED), so one peer cannot starve the others.
 * Before this cap, 36 connections sending unfinished segments ran a server out of heap (issue 11, item 3).
 */
export const DEFAULT_MAX_UNFINISHED_TOTAL = 128 * 1024 * 1024;

/** What holds part of an unfinished message: 0.7 segments, or a websocket frame still arriving. */
export interface UnfinishedHolder {
  /** Units held now. */
  readonly held: number;
  /** Forget what is held (releasing it from the budget) and end the connection with `error`. */
  drop(error: SyncError): void;
}

/** The share of the unfinished-message memory of one server: one per server, shared by its connections. */
export class UnfinishedBudget {
  private total = 0;
  private readonly holders = new Set<UnfinishedHolder>();

  /** `limit`: UTF-16 units all holders may keep together. */
  constructor(readonly limit: number = DEFAULT_MAX_UNFINISHED_TOTAL) {
    if (!(limit >= 1)) throw new RangeError(`maxUnfinishedTotal must be at least 1, got ${limit}`);
  }

  /** UTF-16 units held now, by every connection together. */
  get used(): number {
    return this.total;
  }

  /** `holder` keeps `units` more; the largest holders are dropped until the total fits again. */
  grow(holder: UnfinishedHolder, units: number): void {
    this.total += units;
    this.holders.add(holder);
    while (this.total > this.limit) {
      let largest = holder;
      for (const h of this.holders) if (h.held > largest.held) largest = h;
      largest.drop(
        protocolError(
          'UNFINISHED_TOTAL_EXCEEDED',
          `unfinished messages exceed the server's limit of ${this.limit} characters together and this connection held the most (maxUnfinishedTotal)`,
          CloseCode.messageTooBig,
        ),
      );
    }
  }

  /** `holder` keeps nothing any more (its message ended or was dropped); `units` is what it held. */
  release(holder: UnfinishedHolder, units: number): void {
    if (this.holders.delete(holder)) this.total -= units;
  }
}

export interface ReassemblerOptions {
  /** UTF-16 units a reassembled message may reach before MESSAGE_TOO_BIG (1009). Default unlimited. */
  maxMessageSize?: number;
  /** ms from a message's first segment to its last before UNFINISHED_MESSAGE_TIMEOUT (1008). Default none. */
  timeout?: number | null;
  /** The server-wide budget this connection's unfinished message counts against. Default none. */
  budget?: UnfinishedBudget;
  /** The unfinished message was dropped by its timeout or the budget, outside `push`: close the connection. */
  onDropped?: (error: SyncError) => void;
}

/** Joins received segments back into user messages. Accepts segments of any length, within the caps. */
export class Reassembler implements UnfinishedHolder {
  private parts: string[] = [];
  private size = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pushing = false;
  private droppedWhilePushing: SyncError | undefined;
  private readonly options: ReassemblerOptions;

  /** `options`: the caps, or (as before) just the largest message in UTF-16 units. */
  constructor(options: number | ReassemblerOptions = {}) {
    this.options = typeof options === 'number' ? { maxMessageSize: options } : options;
  }

  /** UTF-16 units of the unfinished message held now. */
  get held(): number {
    return this.size;
  }

  push(frame: string): TransportEvent {
    const header = frame[0];
    const payload = frame.slice(1);
    switch (header) {
      case '0':
      case '1': {
        const max = this.options.maxMessageSize ?? Number.POSITIVE_INFINITY;
        if (this.size + payload.length > max) {
          this.clear();
          throw protocolError(
            'MESSAGE_TOO_BIG',
            `a message exceeds the limit of ${max} characters (raise maxMessageSize)`,
            CloseCode.messageTooBig,
          );
        }
        if (header === '0' && this.parts.length === 0) return { kind: 'message', text: payload };
        this.parts.push(payload);
        if (header === '1') {
          // only what waits for a later frame is held, and charged to the budget
          this.size += payload.length;
          this.hold(payload.length);
          return { kind: 'segment' };
        }
        const text = this.parts.join('');
        this.clear();
        return { kind: 'message', text };
      }
      case '2':
        return { kind: 'ping', payload };
      case '3':
        return { kind: 'pong' };
      case undefined:
        throw protocolError('UNKNOWN_SEGMENT_HEADER', 'an empty frame: every juggler 0.7 frame starts with a header 0-3');
      default:
        throw (
          mismatch(frame, '0.7', false) ??
          protocolError('UNKNOWN_SEGMENT_HEADER', `unknown segment header ${JSON.stringify(header)}: a juggler 0.7 frame starts with 0-3`)
        );
    }
  }

  /** Drops the unfinished message (its connection closes): its memory, its timer, its share of the budget. */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.options.budget?.release(this, this.size);
    this.parts = [];
    this.size = 0;
  }

  /** Called by the budget (or the timer): drop the unfinished message and end the connection with `error`. */
  drop(error: SyncError): void {
    this.clear();
    if (this.pushing) this.droppedWhilePushing = error;
    else this.options.onDropped?.(error);
  }

  /** Counts `units` more held by an unfinished message: starts its timer, charges the budget. */
  private hold(units: number): void {
    const timeout = this.options.timeout;
    if (this.timer === undefined && timeout != null) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drop(
          protocolError(
            'UNFINISHED_MESSAGE_TIMEOUT',
            `a segmented message did not end within ${timeout} ms of its first segment (unfinishedMessageTimeout)`,
            CloseCode.policyViolation,
          ),
        );
      }, timeout);
    }
    if (!this.options.budget) return;
    this.pushing = true;
    try {
      this.options.budget.grow(this, units);
    } finally {
      this.pushing = false;
    }
    const dropped = this.droppedWhilePushing;
    this.droppedWhilePushing = undefined;
    if (dropped) throw dropped;
  }
}
