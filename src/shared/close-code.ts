// The websocket close codes (RFC 6455 §7.4.1) our peers send: one table for juggler.0 (server, client,
// proxy) and the sync protocol (issue 14). These numbers are on the wire and in the Go and JS peers'
// expectations: never change a value, only add.

export const CloseCode = {
  /** Normal closure: `close()` was called. */
  normal: 1000,
  /** The server is shutting down, or a keepalive ping went unanswered. */
  goingAway: 1001,
  /** A frame that breaks the protocol: unknown type, missing field, unknown segment header. */
  protocolError: 1002,
  /** A binary frame: juggler.0 and every sync generation speak text frames only. */
  unsupportedData: 1003,
  /** Text that is not JSON, a payload of the wrong shape, or a patch that cannot be applied to the current data. */
  invalidPayload: 1007,
  /** A message type this side does not accept, or a frame from another sync generation than this peer's. */
  policyViolation: 1008,
  /** A message over the configured size limit, nested too deep, or a patch with too many operations. */
  messageTooBig: 1009,
  /** Our own code failed on a message (a listener of this connection threw): only this connection ends. */
  internalError: 1011,
  /** The server cannot take the connection now (at its connection limit): retry later. */
  tryAgainLater: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
