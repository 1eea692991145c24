// How a list entry or a published message is shown: the juggler payload's fields and a preview of
// its args, or, for anything else (binary, not JSON, another program's data), the raw bytes as text
// with the reason it is not a juggler payload. Never throws: hostile data is something to show.

import type { PayloadView } from '../../shared/redis-inspector';
import { decodeCallPayload, decodePubPayload } from '../broker/redis/payload';
import { type BinaryText, binaryText } from './binary-text';

export type { CallView, PayloadView } from '../../shared/redis-inspector';

/** Entries larger than this are not parsed (a preview is still shown). */
export const MAX_DECODE_BYTES = 1024 * 1024;
/** Default length of args and raw previews, in characters. */
export const DEFAULT_PREVIEW_CHARS = 200;

const fatal = new TextDecoder('utf-8', { fatal: true });

function utf8(buf: Buffer): string | undefined {
  try {
    return fatal.decode(buf);
  } catch {
    return undefined;
  }
}

function undecodable(buf: Buffer): string | undefined {
  if (buf.length > MAX_DECODE_BYTES) return `not decoded: ${buf.length} bytes is more than ${MAX_DECODE_BYTES}`;
  return utf8(buf) === undefined ? 'not a juggler payload: the bytes are not UTF-8 text' : undefined;
}

/** A call or result list entry: `{"conn_uuid","msg_uuid","uri","args"}`. */
export function viewCallPayload(buf: Buffer, previewChars = DEFAULT_PREVIEW_CHARS): PayloadView {
  const bad = undecodable(buf);
  if (bad) return { bytes: buf.length, raw: binaryText(buf, { maxChars: previewChars }), error: bad };
  try {
    const p = decodeCallPayload(buf.toString('utf8'));
    return {
      bytes: buf.length,
      call: { msgUUID: p.msg_uuid, connUUID: p.conn_uuid, uri: p.uri, args: binaryText(p.args.text, { maxChars: previewChars }) },
    };
  } catch (err) {
    return {
      bytes: buf.length,
      raw: binaryText(buf, { maxChars: previewChars }),
      error: `not a juggler payload: ${(err as Error).message}`,
    };
  }
}

export interface PubView {
  bytes: number;
  /** The payload as text, cut to the preview length. */
  raw: BinaryText;
  /** Set when the message is a juggler publication `{"msg_uuid","args"}`. */
  msgUUID?: string;
  args?: BinaryText;
  error?: string;
}

/** A published message: `{"msg_uuid","args"}` when it comes from juggler, anything else otherwise. */
export function viewPubPayload(buf: Buffer, previewChars = DEFAULT_PREVIEW_CHARS): PubView {
  const raw = binaryText(buf, { maxChars: previewChars });
  const bad = undecodable(buf);
  if (bad) return { bytes: buf.length, raw, error: bad };
  try {
    const p = decodePubPayload(buf.toString('utf8'));
    return { bytes: buf.length, raw, msgUUID: p.msg_uuid, args: binaryText(p.args.text, { maxChars: previewChars }) };
  } catch (err) {
    return { bytes: buf.length, raw, error: `not a juggler payload: ${(err as Error).message}` };
  }
}
