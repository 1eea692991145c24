// The address a connection comes from, behind proxies (spec, "HTTP endpoint"): the last `Forwarded: for=`
// entry, else the last X-Forwarded-For entry, else the socket peer.
import type { IncomingMessage } from 'node:http';

export function remoteAddress(req: IncomingMessage): string | undefined {
  const forwarded = headerText(req.headers.forwarded);
  if (forwarded) {
    const fors = [...forwarded.matchAll(/(?:^|[;,\s])for=("[^"]*"|[^;,\s]*)/gi)].map((m) => m[1]!.replace(/^"|"$/g, ''));
    const last = fors.at(-1);
    if (last) return last;
  }
  const xff = headerText(req.headers['x-forwarded-for']);
  if (xff) {
    const last = xff
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
