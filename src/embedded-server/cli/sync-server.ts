// `juggler sync-server`: a juggler data-sync endpoint (seed, 0.6 or 0.7) on its own port.
import { isGeneration } from '../sync/generation';
import type { SeedPeer } from '../sync/seed-peer';
import { SyncServer } from '../sync/ws-server';
import { parseListenAddr } from './addr';
import { UsageError } from './command';
import { defineCommand, type FlagSpec, msFlag } from './flag-table';

const flags: FlagSpec[] = [
  { name: 'addr', type: 'string', default: '127.0.0.1:9200', value: 'HOST:PORT', description: 'where to listen (port 0 picks a free one)' },
  { name: 'path', type: 'string', default: '/ws', value: 'PATH', description: 'websocket path' },
  { name: 'generation', type: 'string', default: '0.7', value: 'GEN', description: 'wire generation: seed, 0.6 or 0.7' },
  { name: 'static', type: 'string', value: 'DIR', description: 'serve DIR at / without listings' },
  {
    name: 'delay',
    type: 'string',
    default: '200',
    value: 'MS',
    description: 'batching window for state changes in ms; 0 sends every change',
  },
  {
    name: 'demo',
    type: 'boolean',
    description:
      'a state that changes every second; every MESSAGE (seed) or request (0.6/0.7) is echoed back; what one client shares reaches every connection under "shared": a request "share" with its data (0.6/0.7), its local data (seed)',
  },
];

export const syncServerCommand = defineCommand({
  name: 'sync-server',
  summary: 'serve the juggler data-sync protocol (seed, 0.6, 0.7) over websocket',
  about: 'Serves the juggler data-sync protocol over websocket.',
  flags,
  notes: 'Prints "listening on ws://HOST:PORT/PATH" once ready; stops on SIGINT/SIGTERM.',
  async run({ values }, io) {
    const generation = values.generation as string;
    if (!isGeneration(generation)) throw new UsageError(`--generation must be seed, 0.6 or 0.7, got "${generation}"`);
    const { host, port } = parseListenAddr(values.addr as string);
    const syncDelay = msFlag('delay', values.delay);
    const demo = values.demo === true;
    const server = await SyncServer.listen({
      generation,
      host,
      port,
      path: values.path as string,
      staticDir: values.static as string | undefined,
      syncDelay,
      requestHandler: demo
        ? (_conn, name, data) => {
            if (name === 'share') {
              shared = data;
              server.setState(demoState());
            }
            return { name, data };
          }
        : undefined,
    });
    const log = (line: string) => io.stdout.write(`${line}\n`);
    let tick = 0;
    // what a client shared, seen by every connection: lets one client's change reach the others (issue 12)
    let shared: unknown;
    const demoState = () => ({ tick, time: new Date().toISOString(), ...(shared === undefined ? {} : { shared }) });
    server.on('connection', (conn) => {
      log(`connection opened (${server.connections.size} open)`);
      conn.on('close', (e) => log(`connection closed: ${e.code}${e.reason ? ` ${e.reason}` : ''}`));
      if (generation === 'seed') {
        const peer = conn as SeedPeer;
        peer.on('remoteChange', (e) => {
          log(`remote data rev ${e.revision}: ${JSON.stringify(e.patch)}`);
          if (demo && e.after !== null) {
            shared = e.after;
            for (const c of server.connections) (c as SeedPeer).setLocalData(demoState());
          }
        });
        peer.on('message', (m) => {
          log(`message: ${JSON.stringify(m)}`);
          if (demo) peer.send(m);
        });
        if (demo) peer.setLocalData(demoState());
      }
    });
    const timer = demo
      ? setInterval(() => {
          tick++;
          if (generation === 'seed') for (const c of server.connections) (c as SeedPeer).setLocalData(demoState());
          else server.setState(demoState());
        }, 1000)
      : undefined;
    if (demo && generation !== 'seed') server.setState(demoState());
    log(`listening on ${server.url}`);
    await io.stopSignal;
    if (timer) clearInterval(timer);
    await server.close();
    return 0;
  },
});

export default syncServerCommand;
