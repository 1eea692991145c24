// Options of the recording proxy, with their defaults: one definition for the library, the CLI and the
// Studio.
import { serverDefaults } from '../server/options';

export interface ProxyOptions {
  /** ws:// or wss:// URL of the juggler server to forward to. Its path and query: see upstream-request.ts. */
  upstream: string;
  /**
   * Headers sent to the upstream on every connection, on top of the client's allowed ones (and winning
   * over them), e.g. an Authorization the clients do not have. Default none.
   */
  headers?: Record<string, string>;
  /**
   * Largest frame accepted from either side, bytes; larger closes that connection with 1009 (the other
   * side gets 1001). The server's option of the same name. Default 1 MiB.
   */
  readLimit?: number;
  /**
   * Bytes forwarded to one side and not yet written to its socket beyond which the proxy stops reading
   * the other side until they drain: a slow peer slows its partner instead of filling the proxy's
   * memory. Default 1 MiB.
   */
  highWaterMark?: number;
  /** How long the upstream may take to accept a connection before the client gets 504, ms. Default 10 s. */
  upstreamTimeoutMs?: number;
  /**
   * Ping both sides of every connection this often, ms (0: never). A side that has not answered the
   * previous ping is dropped (the other side gets 1001): a peer that vanished without a close frame
   * does not keep its partner and the proxy's buffers forever. Default 20 s, as the server's.
   */
  pingIntervalMs?: number;
  /** For wss:// upstreams: PEM CA(s) to trust besides Node's (a self-signed development server). */
  ca?: string;
}

export const proxyDefaults = {
  readLimit: serverDefaults.readLimit,
  highWaterMark: 1 << 20,
  upstreamTimeoutMs: 10_000,
  pingIntervalMs: serverDefaults.pingIntervalMs,
};
