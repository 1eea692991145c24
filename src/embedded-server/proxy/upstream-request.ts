// What the upstream receives for one client connection: the URL and the headers.
//
// Path and query. Go clients connect to a fixed path (/ws by default), so the proxy listens on every
// path and decides as follows:
// - the upstream URL names a path (anything but "/"): every connection goes to that path, whatever path
//   the client asked for, so that `--upstream ws://host:9000/ws` works for clients that use /ws, / or
//   any other path;
// - the upstream URL has no path (or "/"): the client's path is used as it is.
// The query is the upstream URL's (if any) followed by the client's, so a client's ?token=... reaches
// the upstream.
//
// Headers. Only an allow-list of the client's headers is passed on; the hop-by-hop and handshake
// headers (Host, Connection, Upgrade, Sec-WebSocket-*) are the proxy's own for its upstream connection,
// and the subprotocols the client offered are offered again as they were. Extra headers set by the user
// are added last and win.
import type { IncomingHttpHeaders } from 'node:http';
import { parseHeaderLine as parseSharedHeaderLine } from '../../shared/header-lines';
import { ProxyError } from './errors';

/** Client headers passed to the upstream (lower case); plus every `x-*` header. */
export const FORWARDED_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'origin',
  'user-agent',
  'accept-language',
  'juggler-allowed-messages',
];

/** Whether the client's header `name` (lower case) is passed to the upstream. */
export function isForwarded(name: string): boolean {
  return name.startsWith('x-') || FORWARDED_HEADERS.includes(name);
}

/** Checks an upstream URL; returns it parsed. Throws BAD_UPSTREAM. */
export function parseUpstream(upstream: string): URL {
  let u: URL;
  try {
    u = new URL(upstream);
  } catch {
    throw new ProxyError('BAD_UPSTREAM', `upstream "${upstream}" is not a URL: give ws://HOST:PORT/PATH (or wss://)`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:')
    throw new ProxyError('BAD_UPSTREAM', `upstream "${upstream}" must be a ws:// or wss:// URL, not ${u.protocol}//`);
  if (u.hash) throw new ProxyError('BAD_UPSTREAM', `upstream "${upstream}" must not have a #fragment`);
  return u;
}

/** The URL the upstream is asked for, for a client that asked for `reqUrl` (path and query). */
export function upstreamUrl(upstream: URL, reqUrl: string | undefined): string {
  const raw = reqUrl?.startsWith('/') ? reqUrl : `/${reqUrl ?? ''}`;
  const q = raw.indexOf('?');
  const clientPath = q < 0 ? raw : raw.slice(0, q);
  const clientQuery = q < 0 ? '' : raw.slice(q + 1);
  const path = upstream.pathname && upstream.pathname !== '/' ? upstream.pathname : clientPath;
  const own = upstream.search.slice(1);
  const query = own && clientQuery ? `${own}&${clientQuery}` : own || clientQuery;
  return `${upstream.protocol}//${upstream.host}${path}${query ? `?${query}` : ''}`;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks the user's extra headers. Throws BAD_HEADER naming the header. */
export function checkExtraHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new ProxyError('BAD_HEADER', `header name "${name}" is not a valid HTTP header name`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value))
      throw new ProxyError('BAD_HEADER', `header "${name}": the value must be text on one line`);
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'upgrade' || lower.startsWith('sec-websocket-'))
      throw new ProxyError('BAD_HEADER', `header "${name}" belongs to the websocket handshake and is set by the proxy`);
    out[name] = value;
  }
  return out;
}

/** Parses `Name: value` (the CLI's --header). Throws BAD_HEADER. */
export function parseHeaderLine(line: string): [string, string] {
  try {
    return parseSharedHeaderLine(line);
  } catch (err) {
    throw new ProxyError('BAD_HEADER', (err as Error).message);
  }
}

/** The headers sent to the upstream: the client's allowed ones, then the extra ones. */
export function upstreamHeaders(client: IncomingHttpHeaders, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || !isForwarded(name)) continue;
    out[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  for (const [name, value] of Object.entries(extra)) {
    // replace a client header of the same name whatever its case
    delete out[name.toLowerCase()];
    out[name] = value;
  }
  return out;
}
