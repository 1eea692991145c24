// Creates ioredis clients for the broker: a single node or a cluster, with reconnection tuned so that
// service resumes promptly after an outage, and without an offline queue so that commands sent while
// redis is away fail at once (and become NACKs) instead of piling up.
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { BrokerError } from '../broker';
import { redactUrl } from './options';
import { isCommandTimeout, PushTimeoutError } from './push-batcher';

export type RedisClient = Redis | Cluster;

export interface ConnectionSpec {
  url: string;
  cluster: boolean;
  clusterNodes: string[];
  reconnectMaxDelayMs: number;
  name?: string;
  autoPipelining?: boolean;
  /** CA certificates (PEM) that verify a rediss:// server; default Node's built-in CAs. */
  tlsCa?: Buffer;
  /** Fail commands unanswered after this long, ms; unset or 0 for the connections of blocking pops. */
  commandTimeoutMs?: number;
}

function nodeOptions(spec: ConnectionSpec): RedisOptions {
  return {
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), spec.reconnectMaxDelayMs),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    connectionName: spec.name,
    ...(spec.commandTimeoutMs ? { commandTimeout: spec.commandTimeoutMs } : {}),
    enableAutoPipelining: spec.autoPipelining ?? false,
    // RESP2 keeps pub-sub replies and errors identical to what redis-cli and Go's redigo see
    protocol: 2,
    // ioredis turns rediss:// into `tls: true` only when no tls option is given
    ...(spec.tlsCa && spec.url.startsWith('rediss:') ? { tls: { ca: spec.tlsCa } } : {}),
  };
}

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
}

/** A connection went down or came back; reported once per transition, not once per retry. */
export interface HealthEvent {
  connection: string;
  up: boolean;
  error?: string;
}

export function createClient(spec: ConnectionSpec, onHealth?: (ev: HealthEvent) => void): RedisClient {
  const client = newClient(spec);
  let up = false;
  let everUp = false;
  const name = spec.name ?? 'redis';
  // ioredis prints "Unhandled error event" unless someone listens; errors are reported per transition
  client.on('error', (err: Error) => {
    if (up || !everUp) onHealth?.({ connection: name, up: false, error: err.message });
    up = false;
    everUp = true;
  });
  client.on('ready', () => {
    if (!up && everUp) onHealth?.({ connection: name, up: true });
    up = true;
    everUp = true;
  });
  return client;
}

function newClient(spec: ConnectionSpec): RedisClient {
  if (!spec.cluster) return new Redis(spec.url, nodeOptions(spec));
  const u = new URL(spec.url);
  const redisOptions: RedisOptions = { ...nodeOptions(spec) };
  if (u.password) redisOptions.password = decodeURIComponent(u.password);
  if (u.username) redisOptions.username = decodeURIComponent(u.username);
  if (u.protocol === 'rediss:') redisOptions.tls = spec.tlsCa ? { ca: spec.tlsCa } : {};
  const opts: ClusterOptions = {
    redisOptions,
    enableOfflineQueue: false,
    enableAutoPipelining: spec.autoPipelining ?? false,
    lazyConnect: true,
    clusterRetryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), spec.reconnectMaxDelayMs),
  };
  const seeds = [hostPort(spec.url), ...spec.clusterNodes.map((n) => hostPort(n.includes('://') ? n : `redis://${n}`))];
  return new Cluster(seeds, opts);
}

/** Connects and waits until the client is ready; rejects with a BrokerError naming the redis. */
export async function connectClient(client: RedisClient, spec: ConnectionSpec, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // connect() rejects with a bare "Connection is closed." when redis refuses the password or the TLS
  // handshake fails; the reason itself comes as an 'error' event, and is what the user needs to read
  let cause: Error | undefined;
  const onError = (err: Error) => {
    cause ??= err;
  };
  client.on('error', onError);
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    client.disconnect();
    const msg = (cause ?? (err as Error)).message;
    const hint = /certificate|self.signed/i.test(msg) ? ' (for a private CA, pass its PEM file: tlsCaFile, or --redis-ca)' : '';
    throw new BrokerError('UNAVAILABLE', `cannot connect to redis at ${redactUrl(spec.url)}: ${msg}${hint}`, { cause: cause ?? err });
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
  }
}

/** Resolves when the client is ready again (after an outage), or after `maxMs`. */
export function whenReady(client: RedisClient, maxMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      client.off('ready', done);
      resolve();
    };
    const t = setTimeout(done, maxMs);
    client.once('ready', done);
  });
}

/**
 * A redis error as a BrokerError: capacity errors from the push script, unanswered commands TIMEOUT
 * (naming the option to change), anything else UNAVAILABLE.
 */
export function toBrokerError(err: unknown, what: string, commandTimeoutMs?: number): BrokerError {
  if (err instanceof BrokerError) return err;
  if (err instanceof PushTimeoutError || isCommandTimeout(err)) {
    const ms = err instanceof PushTimeoutError ? err.timeoutMs : commandTimeoutMs;
    const within = ms ? `within ${ms} ms` : 'within the command timeout';
    return new BrokerError(
      'TIMEOUT',
      `${what}: redis did not answer ${within}; it may be frozen or overloaded (if it is only slow, raise the redis command timeout: commandTimeoutMs, --redis-timeout)`,
      { cause: err },
    );
  }
  const msg = (err as Error)?.message ?? String(err);
  if (msg.includes('list capacity exceeded'))
    return new BrokerError('CAPACITY_EXCEEDED', `${what}: list capacity exceeded`, { cause: err });
  return new BrokerError('UNAVAILABLE', `${what}: redis unavailable (${msg})`, { cause: err });
}
