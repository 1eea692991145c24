// The Go server's YAML config file (spec: "Server config file"), read into our options. Unknown keys
// are refused with their path so that a typo does not silently fall back to a default.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { RedisBrokerOptions } from '../broker/redis/options';
import { parseDuration } from '../cli/duration';
import type { ServerOptions } from './options';

export interface ServerConfig {
  redis: RedisBrokerOptions;
  server: ServerOptions;
  /** `host:port` to listen on. */
  addr?: string;
  /** Websocket path (Go's `paths`: we serve the first). */
  path?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Obj = Record<string, unknown>;

const known: Record<string, string[]> = {
  '': ['redis', 'caller_broker', 'callee_broker', 'server'],
  redis: ['addr', 'url', 'pubsub_addr', 'pubsub_url', 'max_active', 'max_idle', 'idle_timeout', 'cluster'],
  caller_broker: ['blocking_timeout', 'call_cap'],
  callee_broker: ['blocking_timeout', 'result_cap'],
  server: [
    'addr',
    'paths',
    'read_limit',
    'read_timeout',
    'write_limit',
    'write_timeout',
    'acquire_write_lock_timeout',
    'allow_empty_subprotocol',
    'close_uri',
    'panic_uri',
    'slow_process_msg_threshold',
    'ping_interval',
    'max_connections',
    'call_timeout',
  ],
};

function section(o: Obj, name: string): Obj {
  const v = o[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`"${name}" must be a mapping`);
  for (const k of Object.keys(v)) {
    if (!known[name]?.includes(k)) throw new ConfigError(`unknown setting "${name}.${k}" (known: ${known[name]?.join(', ')})`);
  }
  return v as Obj;
}

/** `:6379`, `host:6379` or a redis:// URL → a URL. */
export function redisAddrToUrl(addr: string): string {
  if (/^rediss?:\/\//.test(addr)) return addr;
  const [host, port] = addr.startsWith(':') ? ['127.0.0.1', addr.slice(1)] : addr.split(':');
  return `redis://${host || '127.0.0.1'}:${port || 6379}`;
}

function ms(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    return parseDuration(v as string | number);
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
}

function num(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ConfigError(`${where} must be a number ≥ 0, got ${JSON.stringify(v)}`);
  return v;
}

export function parseServerConfig(text: string, source = 'config'): ServerConfig {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new ConfigError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(`${source} must be a YAML mapping`);
  for (const k of Object.keys(doc))
    if (!known['']!.includes(k)) throw new ConfigError(`unknown section "${k}" (known: ${known['']!.join(', ')})`);
  const r = section(doc as Obj, 'redis');
  const cb = section(doc as Obj, 'caller_broker');
  const eb = section(doc as Obj, 'callee_broker');
  const s = section(doc as Obj, 'server');
  const redisUrl = (r.url ?? r.addr) as string | undefined;
  const pubsub = (r.pubsub_url ?? r.pubsub_addr) as string | undefined;
  const paths = s.paths as unknown;
  if (paths !== undefined && (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string'))) {
    throw new ConfigError('server.paths must be a list of paths like [/ws]');
  }
  return {
    redis: {
      url: redisUrl ? redisAddrToUrl(redisUrl) : undefined,
      pubsubUrl: pubsub ? redisAddrToUrl(pubsub) : undefined,
      cluster: r.cluster === undefined ? undefined : Boolean(r.cluster),
      callCap: num(cb.call_cap, 'caller_broker.call_cap'),
      resultCap: num(eb.result_cap, 'callee_broker.result_cap'),
    },
    server: {
      readLimit: num(s.read_limit, 'server.read_limit') || undefined,
      readTimeoutMs: ms(s.read_timeout, 'server.read_timeout') || undefined,
      writeLimit: num(s.write_limit, 'server.write_limit') || undefined,
      writeTimeoutMs: ms(s.write_timeout ?? s.acquire_write_lock_timeout, 'server.write_timeout') || undefined,
      allowEmptySubprotocol: s.allow_empty_subprotocol === undefined ? undefined : Boolean(s.allow_empty_subprotocol),
      closeUri: (s.close_uri as string) || undefined,
      panicUri: (s.panic_uri as string) || undefined,
      slowProcessMsgThresholdMs: ms(s.slow_process_msg_threshold, 'server.slow_process_msg_threshold'),
      pingIntervalMs: ms(s.ping_interval, 'server.ping_interval'),
      maxConnections: num(s.max_connections, 'server.max_connections'),
      callTimeoutMs: ms(s.call_timeout, 'server.call_timeout'),
    },
    addr: (s.addr as string) || undefined,
    path: Array.isArray(paths) ? (paths[0] as string) : undefined,
  };
}

export function loadServerConfig(file: string): ServerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseServerConfig(text, file);
}
