// Protocol errors: each has a stable code, a message that says what was wrong, and the websocket close
// code to send. The connection that sent the bad frame is closed with it; nothing else is affected.

/** Websocket close codes (RFC 6455 section 7.4.1) used by juggler.0 peers. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  TryAgainLater: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

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
  INVALID_JSON: CloseCode.InvalidPayload,
  NOT_AN_OBJECT: CloseCode.InvalidPayload,
  MISSING_META: CloseCode.ProtocolError,
  INVALID_TYPE: CloseCode.ProtocolError,
  UNKNOWN_TYPE: CloseCode.ProtocolError,
  TYPE_NOT_ALLOWED: CloseCode.PolicyViolation,
  INVALID_UUID: CloseCode.ProtocolError,
  INVALID_PAYLOAD: CloseCode.InvalidPayload,
  BINARY_FRAME: CloseCode.UnsupportedData,
  FRAME_TOO_BIG: CloseCode.MessageTooBig,
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
