// The websocket handshake rules: the juggler.0 subprotocol and the Juggler-Allowed-Messages header.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { MessageType, type MessageTypeName, requestTypes } from '../message';

export const SUBPROTOCOL = 'juggler.0';
export const ALLOWED_MESSAGES_HEADER = 'juggler-allowed-messages';

export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function offeredProtocols(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  if (!h) return [];
  return h
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Throws HandshakeError when the client does not speak juggler.0. */
export function checkSubprotocol(req: IncomingMessage, allowEmpty: boolean): void {
  const offered = offeredProtocols(req);
  if (offered.includes(SUBPROTOCOL)) return;
  if (offered.length === 0 && allowEmpty) return;
  throw new HandshakeError(
    400,
    offered.length === 0
      ? `this is a juggler server: offer the "${SUBPROTOCOL}" subprotocol (Sec-WebSocket-Protocol: ${SUBPROTOCOL})`
      : `unsupported subprotocol ${offered.map((p) => `"${p}"`).join(', ')}: this server speaks "${SUBPROTOCOL}"`,
  );
}

/** The request types this connection may send: the server's set, narrowed by the client's header. */
export function allowedTypes(req: IncomingMessage, serverAllowed: readonly MessageTypeName[]): Set<MessageType> {
  const base = new Set(serverAllowed.map((n) => MessageType[n]));
  const raw = req.headers[ALLOWED_MESSAGES_HEADER];
  const h = Array.isArray(raw) ? raw.join(',') : raw;
  if (h === undefined || h.trim() === '' || h.trim() === '*') return base;
  const out = new Set<MessageType>();
  for (const part of h.split(',')) {
    const name = part.trim().toUpperCase();
    if (!name) continue;
    if (name === '*') return base;
    const t = (MessageType as Record<string, MessageType>)[name];
    if (t === undefined || !requestTypes.has(t)) {
      throw new HandshakeError(400, `Juggler-Allowed-Messages: unknown request type "${part.trim()}" (use call, pub, sub, unsb or *)`);
    }
    if (base.has(t)) out.add(t);
  }
  return out;
}

/** Answers an upgrade request with an HTTP error and a plain-text reason, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
