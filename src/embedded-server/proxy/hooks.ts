// What the proxy reports, for tracing (trace/adapters.ts proxyHooks), the CLI's frame lines and the
// Studio's counts. Hooks run synchronously on the forwarding path: keep them cheap.

/** One frame forwarded. `in`: client → upstream; `out`: upstream → client (as a server sees them). */
export interface ProxyFrameEvent {
  connId: string;
  direction: 'in' | 'out';
  /** The frame's payload as UTF-8 text (a binary frame's bytes decoded as UTF-8). */
  text: string;
  binary: boolean;
  /** Bytes of the payload. */
  size: number;
  /** performance.now() when the proxy read it. */
  at: number;
}

export interface ProxyConnInfo {
  id: string;
  /** The client's address and port. */
  remote: string;
  /** Path and query the client asked for. */
  path: string;
  /** The URL the upstream was asked for. */
  upstreamUrl: string;
}

export interface ProxyCloseInfo {
  /** The close code (an HTTP status when the upgrade was refused, see `refused`). */
  code: number;
  reason: string;
  /** Who ended it: the client, the upstream, or the proxy (bad frame, shutdown, upstream unreachable). */
  by: 'client' | 'upstream' | 'proxy';
  /** Set when the connection never opened: the HTTP status the client got. */
  refused?: boolean;
}

export interface ProxyHooks {
  onFrame?(ev: ProxyFrameEvent): void;
  /** `connecting`: upgrade asked, upstream being dialled; `connected`: both open; `closed`: gone. */
  onConnState?(conn: ProxyConnInfo, state: 'connecting' | 'connected' | 'closed', info?: ProxyCloseInfo): void;
  /** A connection failed (also reported as its `closed` state); never a reason to stop the proxy. */
  onError?(err: Error, connId?: string): void;
}
