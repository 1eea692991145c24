// HTTP Basic authentication on every route, the websocket upgrade included (spec, "HTTP endpoint").
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface BasicAuthOptions {
  user: string;
  password: string;
}

export const BASIC_AUTH_CHALLENGE = 'Basic realm=""';

export function isAuthorized(req: IncomingMessage, auth: BasicAuthOptions | undefined): boolean {
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'base64');
  const expected = Buffer.from(`${auth.user}:${auth.password}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
