// The sync protocol's errors: the type lives in src/shared (the JSON Patch module throws it too); the
// helpers that make the engine's connection errors are here.
import { CloseCode } from '../../shared/close-code';
import { SyncError, type SyncErrorCode } from '../../shared/sync-error';

export { SyncError, type SyncErrorCode } from '../../shared/sync-error';

export function connectionClosed(what: string): SyncError {
  return new SyncError(
    'CONNECTION_CLOSED',
    `${what} failed: the connection is closed; open a new connection (or let the client reconnect)`,
  );
}

export function protocolError(code: SyncErrorCode, message: string, closeCode: number = CloseCode.protocolError): SyncError {
  return new SyncError(code, message, { closeCode });
}
