// `npm run web`: the Studio in a browser. Starts the host (its own embedded redis unless --studio-redis
// is given; --redis attaches a redis to watch, writing nothing to it), serves the built renderer and the
// bridge on loopback, and prints the URL to open.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StudioHost } from '../embedded-server/host/studio-host';
import { WebHost } from './web-host';

const usage = `usage: npm run web -- [flags]   (or: node dist/web/main.js [flags])

Juggler Studio in web mode: open the printed URL in a browser.

flags:
  --redis URL          attach this redis (a system the Studio did not start): the Studio only
                       watches it; it writes no key, pops no list and registers no callee there
  --redis-cluster      --redis is a seed node of a Redis Cluster
  --studio-redis URL   run the Studio's own server and callees on this redis, which it writes to
                       (default: start a private redis-server)
  --studio-redis-cluster  --studio-redis is a seed node of a Redis Cluster
  --pubsub-redis URL   separate redis for the pub-sub of the Studio's own server
  --port N             web port on 127.0.0.1 (default: a free port)
  --host ADDR          listen address (default 127.0.0.1; anything else exposes the Studio)
  --data-dir DIR       where callee handlers are kept (default: the platform's config dir)
  --renderer DIR       the built renderer (default: out/renderer)
`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      redis: { type: 'string' },
      'pubsub-redis': { type: 'string' },
      'redis-cluster': { type: 'boolean' },
      'studio-redis': { type: 'string' },
      'studio-redis-cluster': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      renderer: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const rendererDir = values.renderer ?? join(__dirname, '..', '..', 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write(`the renderer is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first\n`);
    return 2;
  }
  const host = await StudioHost.start({
    mode: 'web',
    studioRedisUrl: values['studio-redis'],
    pubsubUrl: values['pubsub-redis'],
    cluster: values['studio-redis-cluster'],
    attachRedisUrl: values.redis,
    attachCluster: values['redis-cluster'],
    dataDir: values['data-dir'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const web = await WebHost.start({
    dispatcher: host.dispatcher,
    rendererDir,
    host: values.host ?? '127.0.0.1',
    port: values.port ? Number(values.port) : 0,
  });
  const info = host.info();
  const attached = host.attachment.redis();
  process.stdout.write(
    [
      `juggler server  ${info.server.url}`,
      `redis           ${info.redis.url}${info.redis.embedded ? ' (embedded)' : ''}: the Studio's own`,
      ...(attached
        ? [`attached        ${attached.url}${attached.cluster ? ' (cluster)' : ''}: watching only, nothing is written to it`]
        : []),
      `sync server     ${info.sync.url}`,
      `Juggler Studio (web mode): open ${web.url}`,
      '',
    ].join('\n'),
  );
  const sig = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stdout.write(`${sig}: shutting down\n`);
  await web.close();
  await host.close();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 500).unref();
    },
    (err: Error) => {
      process.stderr.write(`juggler studio: ${err.message}\n`);
      process.exit(1);
    },
  );
}
