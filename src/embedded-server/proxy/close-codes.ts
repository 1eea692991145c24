// Which close code the proxy sends one side when the other closed. Codes a peer sent on the wire pass
// through unchanged (ws validated them). Two codes are only ever reported locally and cannot be sent
// (RFC 6455 section 7.4.1):
// - 1005 "no status": the peer's close frame had no code. Forwarded as a close frame without a code,
//   so the other side also sees 1005: the most faithful copy.
// - 1006 "abnormal": the peer's TCP connection ended without a close frame (crash, network). Forwarded
//   as 1001 Going Away with a reason saying so; dropping the other TCP connection too would lose the
//   frames still queued toward it.
// 1015 (TLS failure) is treated like 1006.
import { CloseCode } from '../../shared/close-code';

export const NO_STATUS = 1005;
export const ABNORMAL = 1006;
export const TLS_FAILURE = 1015;

/** The code to send, or undefined for a close frame without a code. */
export function wireCloseCode(code: number): number | undefined {
  if (code === NO_STATUS) return undefined;
  if (code === ABNORMAL || code === TLS_FAILURE) return CloseCode.goingAway;
  return code;
}

/** The reason to send with it: the peer's own, or what happened when it could not send one. */
export function wireCloseReason(code: number, reason: string, peer: 'client' | 'upstream'): string {
  if (code === ABNORMAL || code === TLS_FAILURE) return `proxy: the ${peer} connection ended without a close frame`;
  return reason;
}
