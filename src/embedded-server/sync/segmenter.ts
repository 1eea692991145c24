// Generation 0.7 transport: every text frame is one header character and a payload. `0` ends a user
// message, `1` is a segment with more to follow, `2` is a ping request, `3` its response.
import { CloseCode, protocolError } from './errors';
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

/** Joins received segments back into user messages. Accepts segments of any length. */
export class Reassembler {
  private parts: string[] = [];
  private size = 0;

  /** `maxMessageSize`: UTF-16 units a reassembled message may reach before MESSAGE_TOO_BIG. */
  constructor(private readonly maxMessageSize = Number.POSITIVE_INFINITY) {}

  push(frame: string): TransportEvent {
    const header = frame[0];
    const payload = frame.slice(1);
    switch (header) {
      case '0':
      case '1': {
        this.size += payload.length;
        if (this.size > this.maxMessageSize) {
          throw protocolError(
            'MESSAGE_TOO_BIG',
            `a message exceeds the limit of ${this.maxMessageSize} characters (raise maxMessageSize)`,
            CloseCode.messageTooBig,
          );
        }
        this.parts.push(payload);
        if (header === '1') return { kind: 'segment' };
        const text = this.parts.join('');
        this.parts = [];
        this.size = 0;
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
}
