// Protocol errors: each has a stable code, a message that says what was wrong, and the websocket close
// code to send. The connection that sent the bad frame is closed with it; nothing else is affected.

import { CloseCode } from '../../shared/close-code';

export type ProtocolErrorCode =
  | 'INVALID_JSON'
  | 'NOT_AN_OBJECT'
  | 'MISSING_META'
  | 'INVALID_TYPE'
  | 'UNKNOWN_TYPE'
  | 'TYPE_NOT_ALLOWED'
  | 'INVALID_UUID'
  | 'INVALID_PAYLOAD'
  | 'BINARY_FRAME'
  | 'FRAME_TOO_BIG';

const closeCodes: Record<ProtocolErrorCode, CloseCode> = {
  INVALID_JSON: CloseCode.invalidPayload,
  NOT_AN_OBJECT: CloseCode.invalidPayload,
  MISSING_META: CloseCode.protocolError,
  INVALID_TYPE: CloseCode.protocolError,
  UNKNOWN_TYPE: CloseCode.protocolError,
  TYPE_NOT_ALLOWED: CloseCode.policyViolation,
  INVALID_UUID: CloseCode.protocolError,
  INVALID_PAYLOAD: CloseCode.invalidPayload,
  BINARY_FRAME: CloseCode.unsupportedData,
  FRAME_TOO_BIG: CloseCode.messageTooBig,
};

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly closeCode: CloseCode;
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.closeCode = closeCodes[code];
  }

  /** The close reason: at most 123 bytes, as a websocket close frame allows. */
  get closeReason(): string {
    return truncateUtf8(this.message, 123);
  }
}

export function truncateUtf8(s: string, maxBytes: number): string {
  const enc = new TextEncoder();
  if (enc.encode(s).length <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = enc.encode(ch).length;
    if (bytes + n > maxBytes - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}...`;
}
