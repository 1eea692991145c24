// Answers a client's upgrade request with an HTTP error instead of 101: the status the upstream gave
// (with its reason phrase, body and the headers a client acts on), or the proxy's own 502/504.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Upstream response headers copied to a refused client: what it needs to retry or authenticate. */
const KEPT = ['content-type', 'www-authenticate', 'retry-after', 'location', 'sec-websocket-version'];

/** Most body bytes of an upstream refusal passed on; the rest is cut (a refusal is a short text). */
export const REFUSAL_BODY_LIMIT = 64 * 1024;

export function writeRefusal(
  socket: Duplex,
  status: number,
  statusMessage: string | undefined,
  body: Buffer | string,
  headers: Record<string, string | string[] | undefined> = {},
): void {
  if (socket.destroyed) return;
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  let head = `HTTP/1.1 ${status} ${(statusMessage || STATUS_CODES[status] || 'Error').replace(/[\r\n]/g, ' ')}\r\nConnection: close\r\n`;
  if (headers['content-type'] === undefined) head += 'Content-Type: text/plain; charset=utf-8\r\n';
  for (const name of KEPT) {
    const v = headers[name];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) head += `${name}: ${one.replace(/[\r\n]/g, ' ')}\r\n`;
  }
  head += `Content-Length: ${b.length}\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), b]));
}
