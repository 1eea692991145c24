// `juggler up`: everything a newcomer needs in one process: a redis (embedded unless --redis is
// given), a server and the demo callee.
import { parseArgs } from 'node:util';
import { RedisBroker } from '../broker/redis/broker';
import { Callee } from '../callee/callee';
import { demoHandlers } from '../callee/demo';
import { type EmbeddedRedis, startEmbeddedRedis } from '../host/embedded-redis';
import { redisAddrToUrl } from '../server/config-file';
import { JugglerServer } from '../server/server';
import { parseListenAddr } from './addr';
import type { Command } from './command';

const help = `usage: juggler up [flags]

Starts a juggler.0 server with the demo callee (test.echo, test.reverse, test.delay) on a redis:
a private redis-server on a free port unless --redis is given. Prints the websocket URL to connect to.

flags:
  --addr HOST:PORT   server address (default 127.0.0.1:9000; a free port if 9000 is taken)
  --path PATH        websocket path (default /ws)
  --redis URL        use this redis instead of starting one
  --workers N        demo callee workers (default 10)
`;

export const upCommand: Command = {
  name: 'up',
  summary: 'server + demo callee on an embedded redis, in one process',
  help,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { addr: { type: 'string' }, path: { type: 'string' }, redis: { type: 'string' }, workers: { type: 'string' } },
    });
    const workers = Number(values.workers ?? 10);
    const listen = parseListenAddr(values.addr ?? '127.0.0.1:9000');
    const embedded: EmbeddedRedis | undefined = values.redis ? undefined : await startEmbeddedRedis();
    const url = embedded ? embedded.url : redisAddrToUrl(values.redis!);
    const log = (s: string) => io.stdout.write(`${s}\n`);
    const onHealth = (ev: { connection: string; up: boolean; error?: string }) =>
      io.stderr.write(`juggler up: redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable (${ev.error})`}\n`);
    const serverBroker = await RedisBroker.connect({ url, clientName: 'server', onHealth });
    const calleeBroker = await RedisBroker.connect({ url, clientName: 'callee', onHealth });
    const server = new JugglerServer({ broker: serverBroker, hooks: { onError: (e) => io.stderr.write(`juggler up: ${e.message}\n`) } });
    let wsUrl: string;
    try {
      wsUrl = await server.listen({ ...listen, path: values.path ?? '/ws' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.addr) throw err;
      log(`${listen.host}:${listen.port} is taken; using a free port`);
      wsUrl = await server.listen({ host: listen.host, port: 0, path: values.path ?? '/ws' });
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
};
