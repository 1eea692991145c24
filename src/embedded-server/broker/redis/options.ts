import { redactUrl } from '../../../shared/redact-url';
import type { HealthEvent } from './connection';

// Options of the redis broker: one definition, with the defaults, shared by the CLI, the config file
// and the library.

export interface RedisBrokerOptions {
  /** redis:// or rediss:// URL (user, password, db). Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Treat `url` (and `pubsubUrl`) as seed nodes of a Redis Cluster. Default false. */
  cluster?: boolean;
  /** Extra cluster seed nodes as `host:port`. */
  clusterNodes?: string[];
  /** A separate redis for pub-sub (PUBLISH/SUBSCRIBE). Default: the same as `url`. */
  pubsubUrl?: string;
  /** Most calls waiting in one URI's list; past it CALLs are NACKed. 0: unlimited. Default 0 (as Go). */
  callCap?: number;
  /** Most results waiting in one results list. 0: unlimited. Default 0 (as Go). */
  resultCap?: number;
  /**
   * PEM file of the CA that signed the redis server's certificate, for rediss:// URLs (a private or
   * self-signed CA). Default: none, Node's built-in CAs verify the certificate. CLI: --redis-ca.
   */
  tlsCaFile?: string;
  /**
   * How long a redis command may go unanswered before it fails (a CALL or PUB then gets NACK 500), ms;
   * 0: wait forever. The blocking pops of callees and result readers have their own connections and no
   * such limit. (Whatever this is, a push still unanswered at its call's own timeout is removed from
   * redis behind it, so that it never runs late.) Default 5000. CLI: --redis-timeout.
   */
  commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts after redis went away, ms. Default 500. */
  reconnectMaxDelayMs?: number;
  /** Name shown by CLIENT LIST (`juggler:<role>`), so that the inspector can tell callees apart. */
  clientName?: string;
  /** Called after every redis operation the broker performs (tracing). Keep it cheap. */
  onOp?: (op: RedisOp) => void;
  /** A redis connection went down or came back (once per transition). */
  onHealth?: (ev: HealthEvent) => void;
}

/** One redis operation, as the trace bus records it. */
export interface RedisOp {
  /** e.g. `EVALSHA push`, `BRPOP`, `PUBLISH`. */
  command: string;
  key: string;
  /** Bytes of payload sent or received. */
  bytes: number;
  /** Milliseconds from send to reply (for BRPOP: the wait included). */
  durationMs: number;
  /** The message uuid the operation is about, to correlate hops of one call. */
  msgUUID?: string;
  error?: string;
}

export const defaultRedisUrl = 'redis://127.0.0.1:6379';
export const defaultCommandTimeoutMs = 5000;

type Hooks = 'onOp' | 'onHealth' | 'pubsubUrl' | 'clientName' | 'tlsCaFile';
export type ResolvedRedisBrokerOptions = Required<Omit<RedisBrokerOptions, Hooks>> & Pick<RedisBrokerOptions, Hooks>;

export function withDefaults(o: RedisBrokerOptions): ResolvedRedisBrokerOptions {
  return {
    url: o.url ?? defaultRedisUrl,
    cluster: o.cluster ?? false,
    clusterNodes: o.clusterNodes ?? [],
    pubsubUrl: o.pubsubUrl,
    callCap: o.callCap ?? 0,
    resultCap: o.resultCap ?? 0,
    reconnectMaxDelayMs: o.reconnectMaxDelayMs ?? 500,
    commandTimeoutMs: o.commandTimeoutMs ?? defaultCommandTimeoutMs,
    clientName: o.clientName,
    tlsCaFile: o.tlsCaFile,
    onOp: o.onOp,
    onHealth: o.onHealth,
  };
}

/** `redis://:secret@host` → `redis://:***@host`: URLs are never shown or logged with their password. */
export { redactUrl };
