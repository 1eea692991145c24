// Errors that cross the bridge: a stable code the UI can branch on and a message a user can act on.

export const BridgeErrorCode = {
  /** The frame is not a bridge frame (not an object, no id, wrong kind...). */
  BadFrame: 'BAD_FRAME',
  /** No such method in the contract. */
  UnknownMethod: 'UNKNOWN_METHOD',
  /** The params do not fit the method. */
  BadParams: 'BAD_PARAMS',
  /** The thing named (client, callee, peer, trace event) does not exist. */
  NotFound: 'NOT_FOUND',
  /** Not possible in this setup (e.g. pausing a redis the Studio did not start). */
  NotSupported: 'NOT_SUPPORTED',
  /** The redis is attached (a system the Studio did not start): it is only watched, never written to. */
  ReadOnly: 'READ_ONLY',
  /** The step changes a system the Studio only watches: repeat it with `confirm: true`. */
  ConfirmRequired: 'CONFIRM_REQUIRED',
  /** The operation ran and failed; the message says why. */
  Failed: 'FAILED',
  /** The host is shutting down or the connection to it is gone. */
  Closed: 'CLOSED',
  /** No answer from the host in time. */
  Timeout: 'TIMEOUT',
} as const;
export type BridgeErrorCode = (typeof BridgeErrorCode)[keyof typeof BridgeErrorCode];

export interface BridgeErrorPayload {
  code: BridgeErrorCode | string;
  message: string;
  /** Extra data, e.g. the NACK code or compile error position. */
  data?: unknown;
}

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode | string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toPayload(): BridgeErrorPayload {
    return { code: this.code, message: this.message, ...(this.data !== undefined ? { data: this.data } : {}) };
  }
}
