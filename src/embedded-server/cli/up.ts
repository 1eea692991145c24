// `juggler up`: everything a newcomer needs in one process: a redis (embedded unless --redis is
// given), a server and the demo callee.
import { RedisBroker } from '../broker/redis/broker';
import { Callee } from '../callee/callee';
import { demoHandlers } from '../callee/demo';
import { type EmbeddedRedis, startEmbeddedRedis } from '../host/embedded-redis';
import { redisAddrToUrl } from '../server/config-file';
import { JugglerServer } from '../server/server';
import { parseListenAddr } from './addr';
import { defineCommand, type FlagSpec, intFlag } from './flag-table';

const flags: FlagSpec[] = [
  {
    name: 'addr',
    type: 'string',
    default: '127.0.0.1:9000',
    value: 'HOST:PORT',
    description: 'server address; a free port if this one is taken and --addr was not given',
  },
  { name: 'path', type: 'string', default: '/ws', value: 'PATH', description: 'websocket path' },
  { name: 'redis', type: 'string', value: 'URL', description: 'use this redis instead of starting one' },
  { name: 'workers', type: 'string', default: '10', value: 'N', description: 'demo callee workers' },
];

export const upCommand = defineCommand({
  name: 'up',
  summary: 'server + demo callee on an embedded redis, in one process',
  about: `Starts a juggler.0 server with the demo callee (test.echo, test.reverse, test.delay) on a redis:
a private redis-server on a free port unless --redis is given. Prints the websocket URL to connect to.`,
  flags,
  async run({ values, given }, io) {
    const workers = intFlag('workers', values.workers);
    const listen = parseListenAddr(values.addr as string);
    const path = values.path as string;
    const redis = values.redis as string | undefined;
    const embedded: EmbeddedRedis | undefined = redis ? undefined : await startEmbeddedRedis();
    const url = embedded ? embedded.url : redisAddrToUrl(redis!);
    const log = (s: string) => io.stdout.write(`${s}\n`);
    const onHealth = (ev: { connection: string; up: boolean; error?: string }) =>
      io.stderr.write(`juggler up: redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable (${ev.error})`}\n`);
    const serverBroker = await RedisBroker.connect({ url, clientName: 'server', onHealth });
    const calleeBroker = await RedisBroker.connect({ url, clientName: 'callee', onHealth });
    const server = new JugglerServer({ broker: serverBroker, hooks: { onError: (e) => io.stderr.write(`juggler up: ${e.message}\n`) } });
    let wsUrl: string;
    try {
      wsUrl = await server.listen({ ...listen, path });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || given.has('addr')) throw err;
      log(`${listen.host}:${listen.port} is taken; using a free port`);
      wsUrl = await server.listen({ host: listen.host, port: 0, path });
    }
    const callee = new Callee({ broker: calleeBroker, handlers: demoHandlers, workers });
    callee.start();
    log(`redis ${serverBroker.description}${embedded ? ' (embedded, stopped on exit)' : ''}`);
    log(`callee ${callee.uris.join(', ')} (${workers} workers)`);
    log(`listening on ${wsUrl}`);
    log(`try: npx juggler client --addr ${wsUrl}`);
    const sig = await io.stopSignal;
    log(`${sig}: shutting down`);
    await server.close();
    await callee.stop();
    await Promise.all([serverBroker.close(), calleeBroker.close()]);
    await embedded?.stop();
    return 0;
  },
});
