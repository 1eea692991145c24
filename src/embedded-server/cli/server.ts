// `juggler server`: the juggler.0 websocket server on redis.
import { parseArgs } from 'node:util';
import { RedisBroker } from '../broker/redis/broker';
import { defaultCommandTimeoutMs, defaultRedisUrl } from '../broker/redis/options';
import { loadServerConfig, redisAddrToUrl, type ServerConfig } from '../server/config-file';
import { debugSnapshot } from '../server/debug-endpoints';
import { serverDefaults } from '../server/options';
import { JugglerServer } from '../server/server';
import { parseListenAddr } from './addr';
import { type Command, UsageError } from './command';
import { announceReady, procsDebugGather, withProcs } from './procs';

const help = `usage: juggler server [flags]

Runs a juggler.0 server: accepts websocket clients, pushes their calls to redis, routes results and
pub-sub events back. Prints "listening on ws://HOST:PORT/PATH" once ready; SIGINT/SIGTERM shut it down
gracefully (in-flight calls get ${serverDefaults.shutdownGraceMs} ms, then sockets close with 1001).

flags:
  --addr HOST:PORT           address to listen on (default 127.0.0.1:9000)
  --path PATH                websocket path (default /ws)
  --redis URL                redis for RPC, redis:// or rediss:// (default ${defaultRedisUrl})
  --pubsub-redis URL         separate redis for pub-sub (default: the --redis one)
  --redis-cluster            treat --redis (and --pubsub-redis) as seed nodes of a Redis Cluster
  --redis-ca FILE            PEM CA that signed the rediss:// server's certificate (default: Node's CAs)
  --redis-timeout MS         a redis command unanswered this long fails, and its request gets NACK 500
                             (default ${defaultCommandTimeoutMs}; 0: wait forever)
  --allow-empty-subprotocol  accept clients that offer no subprotocol (default: refuse with 400)
  --call-cap N               most calls waiting per URI; more are NACKed (default 0: unlimited)
  --read-limit BYTES         largest incoming frame (default ${serverDefaults.readLimit})
  --read-queue-limit N       unanswered requests per connection before reading it pauses
                             (default ${serverDefaults.readQueueLimit})
  --read-queue-bytes BYTES   bytes of those requests before reading pauses (default ${serverDefaults.readQueueBytes})
  --max-connections N        refuse connections beyond N with 503 (default 0: unlimited)
  --no-debug-endpoints       do not answer GET /debug/vars (Go's expvar JSON, read by Go's juggler-load)
                             and GET /metrics (Prometheus text) on the websocket's HTTP address
  --config FILE              YAML config in the Go server's format (redis, caller_broker, server);
                             flags given on the command line win over it
`;

export const serverCommand: Command = withProcs({
  name: 'server',
  summary: 'run a juggler.0 server on redis',
  help,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        addr: { type: 'string' },
        path: { type: 'string' },
        redis: { type: 'string' },
        'pubsub-redis': { type: 'string' },
        'redis-cluster': { type: 'boolean' },
        'redis-ca': { type: 'string' },
        'redis-timeout': { type: 'string' },
        'allow-empty-subprotocol': { type: 'boolean' },
        'call-cap': { type: 'string' },
        'read-limit': { type: 'string' },
        'max-connections': { type: 'string' },
        'no-debug-endpoints': { type: 'boolean' },
        'read-queue-limit': { type: 'string' },
        'read-queue-bytes': { type: 'string' },
        config: { type: 'string' },
      },
    });
    const cfg: ServerConfig = values.config ? loadServerConfig(values.config) : { redis: {}, server: {} };
    const int = (v: string | undefined, flag: string) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} must be a whole number ≥ 0, got "${v}"`);
      return n;
    };
    // 0 would pause a connection before its first request: these limits must let at least one through
    const positive = (v: string | undefined, flag: string) => {
      const n = int(v, flag);
      if (n === 0) throw new UsageError(`--${flag} must be at least 1, got "${v}"`);
      return n;
    };
    const { host, port } = parseListenAddr(values.addr ?? cfg.addr ?? '127.0.0.1:9000');
    const broker = await RedisBroker.connect({
      ...cfg.redis,
      url: values.redis ? redisAddrToUrl(values.redis) : cfg.redis.url,
      pubsubUrl: values['pubsub-redis'] ? redisAddrToUrl(values['pubsub-redis']) : cfg.redis.pubsubUrl,
      cluster: values['redis-cluster'] ?? cfg.redis.cluster,
      callCap: int(values['call-cap'], 'call-cap') ?? cfg.redis.callCap,
      tlsCaFile: values['redis-ca'] ?? cfg.redis.tlsCaFile,
      commandTimeoutMs: int(values['redis-timeout'], 'redis-timeout') ?? cfg.redis.commandTimeoutMs,
      clientName: 'server',
      onHealth: (ev) => io.stderr.write(`juggler server: redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable (${ev.error})`}\n`),
    });
    const server = new JugglerServer({
      broker,
      options: {
        ...cfg.server,
        allowEmptySubprotocol: values['allow-empty-subprotocol'] ?? cfg.server.allowEmptySubprotocol,
        readLimit: int(values['read-limit'], 'read-limit') ?? cfg.server.readLimit,
        maxConnections: int(values['max-connections'], 'max-connections') ?? cfg.server.maxConnections,
        readQueueLimit: positive(values['read-queue-limit'], 'read-queue-limit'),
        readQueueBytes: positive(values['read-queue-bytes'], 'read-queue-bytes'),
      },
      hooks: { onError: (err) => io.stderr.write(`juggler server: ${err.message}\n`) },
    });
    let url: string;
    try {
      url = await server.listen({
        host,
        port,
        path: values.path ?? cfg.path ?? '/ws',
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
});
