// `juggler sync-server`: a juggler data-sync endpoint (seed, 0.6 or 0.7) on its own port.
import { parseArgs } from 'node:util';
import { isGeneration } from '../sync/generation';
import type { SeedPeer } from '../sync/seed-peer';
import { SyncServer } from '../sync/ws-server';
import { type Command, UsageError } from './command';

const help = `usage: juggler sync-server [flags]

Serves the juggler data-sync protocol over websocket.

flags:
  --addr HOST:PORT        where to listen (default 127.0.0.1:9200; port 0 picks a free one)
  --path PATH             websocket path (default /ws)
  --generation GEN        wire generation: seed, 0.6 or 0.7 (default 0.7)
  --static DIR            serve DIR at / without listings (default none)
  --delay MS              batching window for state changes in ms; 0 sends every change (default 200)
  --demo                  a state that changes every second; every MESSAGE (seed) or request (0.6/0.7)
                          is echoed back; what one client shares reaches every connection under
                          "shared": a request "share" with its data (0.6/0.7), its local data (seed)
  -h, --help              this text

Prints "listening on ws://HOST:PORT/PATH" once ready; stops on SIGINT/SIGTERM.
`;

export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(addr);
  if (!m) throw new UsageError(`--addr must be HOST:PORT, got "${addr}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(m[2]) };
}

export function parseDelay(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--delay must be a whole number of milliseconds, got "${value}"`);
  return n;
}

export const syncServerCommand: Command = {
  name: 'sync-server',
  summary: 'serve the juggler data-sync protocol (seed, 0.6, 0.7) over websocket',
  help,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        addr: { type: 'string', default: '127.0.0.1:9200' },
        path: { type: 'string', default: '/ws' },
        generation: { type: 'string', default: '0.7' },
        static: { type: 'string' },
        delay: { type: 'string' },
        demo: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const generation = values.generation;
    if (!isGeneration(generation)) throw new UsageError(`--generation must be seed, 0.6 or 0.7, got "${generation}"`);
    const { host, port } = parseAddr(values.addr);
    const demo = values.demo;
    const server = await SyncServer.listen({
      generation,
      host,
      port,
      path: values.path,
      staticDir: values.static,
      syncDelay: parseDelay(values.delay, 200),
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
};

export default syncServerCommand;
