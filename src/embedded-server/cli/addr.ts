// `host:port` listen addresses as the Go commands take them (`:9000` means all interfaces in Go; we
// bind loopback unless a host is given, which is the safe default for a development tool).
import { UsageError } from './command';

export function parseListenAddr(addr: string, flag = '--addr'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr.trim());
  if (!m) throw new UsageError(`${flag} must be HOST:PORT (e.g. 127.0.0.1:9000), got "${addr}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`${flag}: port ${port} is out of range; give a port from 0 to 65535 (0 picks a free one)`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
