// CLIENT LIST, parsed. One client a line, `field=value` pairs separated by spaces; a client name cannot
// hold a space (redis accepts only '!'..'~' in names), so splitting on spaces is exact.

export interface ClientInfo {
  id: string;
  addr: string;
  /** Empty when the client set no name. */
  name: string;
  /** CLIENT LIST flags, e.g. `N` (normal), `b` (blocked), `P` (pub-sub), `S` (replica). */
  flags: string;
  /** The last command, lower case (`brpop`, `client|list`). */
  cmd: string;
  /** Seconds since the last command: how long a blocked client has been waiting. */
  idleS: number;
  ageS: number;
  /** Channel and pattern subscriptions of a pub-sub client. */
  sub: number;
  psub: number;
}

export function parseClientList(text: string): ClientInfo[] {
  const out: ClientInfo[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const f = new Map<string, string>();
    for (const pair of trimmed.split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) f.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    out.push({
      id: f.get('id') ?? '',
      addr: f.get('addr') ?? '',
      name: f.get('name') ?? '',
      flags: f.get('flags') ?? '',
      cmd: (f.get('cmd') ?? '').toLowerCase(),
      idleS: Number(f.get('idle') ?? 0),
      ageS: Number(f.get('age') ?? 0),
      sub: Number(f.get('sub') ?? 0),
      psub: Number(f.get('psub') ?? 0),
    });
  }
  return out;
}

/** Blocked in a command (BRPOP waiting for a list) right now. */
export function isBlocked(c: ClientInfo): boolean {
  return c.flags.includes('b');
}
