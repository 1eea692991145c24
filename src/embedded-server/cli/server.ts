// `juggler server`: the juggler.0 websocket server on redis.
import { RedisBroker } from '../broker/redis/broker';
import { defaultCommandTimeoutMs, defaultRedisUrl } from '../broker/redis/options';
import { loadServerConfig, redisAddrToUrl, type ServerConfig } from '../server/config-file';
import { debugSnapshot } from '../server/debug-endpoints';
import { serverDefaults } from '../server/options';
import { JugglerServer } from '../server/server';
import { parseListenAddr } from './addr';
import { UsageError } from './command';
import { defineCommand, type FlagSpec } from './flag-table';
import { announceReady, procsDebugGather, withProcs } from './procs';

const flags: FlagSpec[] = [
  { name: 'addr', type: 'string', default: '127.0.0.1:9000', value: 'HOST:PORT', description: 'address to listen on' },
  { name: 'path', type: 'string', default: '/ws', value: 'PATH', description: 'websocket path' },
  { name: 'redis', type: 'string', default: defaultRedisUrl, value: 'URL', description: 'redis for RPC, redis:// or rediss://' },
  { name: 'pubsub-redis', type: 'string', value: 'URL', description: 'separate redis for pub-sub (default: the --redis one)' },
  { name: 'redis-cluster', type: 'boolean', description: 'treat --redis (and --pubsub-redis) as seed nodes of a Redis Cluster' },
  {
    name: 'redis-ca',
    type: 'string',
    value: 'FILE',
    description: "PEM CA that signed the rediss:// server's certificate (default: Node's CAs)",
  },
  {
    name: 'redis-timeout',
    type: 'string',
    default: String(defaultCommandTimeoutMs),
    value: 'MS',
    description: 'a redis command unanswered this long fails, and its request gets NACK 500; 0: wait forever',
  },
  { name: 'allow-empty-subprotocol', type: 'boolean', description: 'accept clients that offer no subprotocol (default: refuse with 400)' },
  { name: 'call-cap', type: 'string', default: '0', value: 'N', description: 'most calls waiting per URI; more are NACKed; 0: unlimited' },
  { name: 'read-limit', type: 'string', default: String(serverDefaults.readLimit), value: 'BYTES', description: 'largest incoming frame' },
  {
    name: 'read-queue-limit',
    type: 'string',
    default: String(serverDefaults.readQueueLimit),
    value: 'N',
    description: 'unanswered requests per connection before reading it pauses',
  },
  {
    name: 'read-queue-bytes',
    type: 'string',
    default: String(serverDefaults.readQueueBytes),
    value: 'BYTES',
    description: 'bytes of those requests before reading pauses',
  },
  {
    name: 'max-connections',
    type: 'string',
    default: String(serverDefaults.maxConnections),
    value: 'N',
    description: 'refuse connections beyond N with 503; 0: unlimited',
  },
  {
    name: 'no-debug-endpoints',
    type: 'boolean',
    description:
      "do not answer GET /debug/vars (Go's expvar JSON, read by Go's juggler-load) and GET /metrics (Prometheus text) on the websocket's HTTP address",
  },
  {
    name: 'config',
    type: 'string',
    value: 'FILE',
    description: "YAML config in the Go server's format (redis, caller_broker, server); flags given on the command line win over it",
  },
];

export const serverCommand = defineCommand(
  withProcs({
    name: 'server',
    summary: 'run a juggler.0 server on redis',
    about: `Runs a juggler.0 server: accepts websocket clients, pushes their calls to redis, routes results and
pub-sub events back. Prints "listening on ws://HOST:PORT/PATH" once ready; SIGINT/SIGTERM shut it down
gracefully (in-flight calls get ${serverDefaults.shutdownGraceMs} ms, then sockets close with 1001).`,
    flags,
    async run({ values, given }, io) {
      const cfg: ServerConfig = typeof values.config === 'string' ? loadServerConfig(values.config) : { redis: {}, server: {} };
      const int = (flag: string, min = 0) => {
        const v = values[flag] as string;
        const n = Number(v);
        if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} must be a whole number ≥ 0, got "${v}"`);
        // 0 would pause a connection before its first request: those limits must let at least one through
        if (n < min) throw new UsageError(`--${flag} must be at least ${min}, got "${v}"`);
        return n;
      };
      // a flag given wins over the config file, whose settings win over the table's defaults
      const pick = <T>(flag: string, fromFlag: () => T, fromConfig: T | undefined): T => {
        const v = fromFlag(); // checked even when the config file's setting is used
        return given.has(flag) || fromConfig === undefined ? v : fromConfig;
      };
      const str = (flag: string) => values[flag] as string | undefined;
      const { host, port } = parseListenAddr(pick('addr', () => str('addr')!, cfg.addr));
      const path = pick('path', () => str('path')!, cfg.path);
      const redisUrl = pick('redis', () => redisAddrToUrl(str('redis')!), cfg.redis.url);
      const pubsubUrl = given.has('pubsub-redis') ? redisAddrToUrl(str('pubsub-redis')!) : cfg.redis.pubsubUrl;
      const callCap = pick('call-cap', () => int('call-cap'), cfg.redis.callCap);
      const commandTimeoutMs = pick('redis-timeout', () => int('redis-timeout'), cfg.redis.commandTimeoutMs);
      const readLimit = pick('read-limit', () => int('read-limit'), cfg.server.readLimit);
      const maxConnections = pick('max-connections', () => int('max-connections'), cfg.server.maxConnections);
      const readQueueLimit = int('read-queue-limit', 1);
      const readQueueBytes = int('read-queue-bytes', 1);
      const broker = await RedisBroker.connect({
        ...cfg.redis,
        url: redisUrl,
        pubsubUrl,
        cluster: (values['redis-cluster'] as boolean | undefined) ?? cfg.redis.cluster,
        callCap,
        tlsCaFile: str('redis-ca') ?? cfg.redis.tlsCaFile,
        commandTimeoutMs,
        clientName: 'server',
        onHealth: (ev) => io.stderr.write(`juggler server: redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable (${ev.error})`}\n`),
      });
      const server = new JugglerServer({
        broker,
        options: {
          ...cfg.server,
          allowEmptySubprotocol: (values['allow-empty-subprotocol'] as boolean | undefined) ?? cfg.server.allowEmptySubprotocol,
          readLimit,
          maxConnections,
          readQueueLimit,
          readQueueBytes,
        },
        hooks: { onError: (err) => io.stderr.write(`juggler server: ${err.message}\n`) },
      });
      let url: string;
      try {
        url = await server.listen({
          host,
          port,
          path,
          debugEndpoints: !values['no-debug-endpoints'],
          debugGather: procsDebugGather(),
        });
      } catch (err) {
        await broker.close();
        throw new Error(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
      }
      announceReady(io, `redis ${broker.description}\nlistening on ${url}\n`, () =>
        debugSnapshot({ metrics: server.metrics, broker: broker.metrics, pendingCalls: () => server.router.size }, server.id),
      );
      const sig = await io.stopSignal;
      io.stdout.write(`${sig}: shutting down\n`);
      await server.close();
      await broker.close();
      return 0;
    },
  }),
);
