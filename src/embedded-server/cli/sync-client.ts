// `juggler sync-client`: connects to a juggler data-sync endpoint, prints the remote state and every
// patch, and lets a person change local data from a JSON file or by typing commands.

import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { isGeneration } from '../sync/generation';
import { SyncClient } from '../sync/sync-client';
import type { WebSocketConstructor } from '../sync/ws-client';
import { UsageError } from './command';
import { defineCommand, type FlagSpec, msFlag } from './flag-table';

const flags: FlagSpec[] = [
  {
    name: 'addr',
    type: 'string',
    multiple: true,
    default: 'ws://127.0.0.1:9200/ws',
    value: 'URL',
    description: 'server address; repeat for fallbacks, tried in order',
  },
  { name: 'generation', type: 'string', default: '0.7', value: 'GEN', description: 'wire generation: seed, 0.6 or 0.7' },
  { name: 'data', type: 'string', value: 'FILE', description: 'seed: local data from this JSON file, re-sent whenever the file changes' },
  { name: 'delay', type: 'string', default: '100', value: 'MS', description: 'seed: batching window for local data in ms' },
  { name: 'retry', type: 'string', default: '5000', value: 'MS', description: 'wait before cycling through the addresses again' },
];

export const syncClientCommand = defineCommand({
  name: 'sync-client',
  summary: 'connect to a juggler data-sync endpoint, print state and patches, change local data',
  usage: '--addr ws://HOST:PORT/PATH [flags]',
  about: 'Connects to a juggler data-sync endpoint, prints the remote state and each patch.',
  flags,
  notes: `Commands on stdin (one per line):
  set JSON                seed: set local data
  send JSON               seed: send a MESSAGE
  request NAME [JSON]     0.6/0.7: send a request and print the response
  flush                   seed: send pending local changes now
  state                   print the remote state
  quit                    disconnect and exit

Prints "connected to URL" on each connection; stops on SIGINT/SIGTERM or quit.`,
  async run({ values }, io) {
    const addresses = values.addr as string[];
    const dataFile = values.data as string | undefined;
    const generation = values.generation as string;
    if (!isGeneration(generation)) throw new UsageError(`--generation must be seed, 0.6 or 0.7, got "${generation}"`);
    for (const a of addresses) if (!/^wss?:\/\//.test(a)) throw new UsageError(`--addr must be a ws:// or wss:// URL, got "${a}"`);
    const log = (line: string) => io.stdout.write(`${line}\n`);
    const client = new SyncClient({
      generation,
      addresses,
      syncDelay: msFlag('delay', values.delay),
      retryDelay: msFlag('retry', values.retry),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    client.on('connected', (e) => log(`connected to ${e.address}`));
    client.on('disconnected', (e) => log(`disconnected from ${e.address}: ${e.code}${e.reason ? ` ${e.reason}` : ''}`));
    client.on('change', (e) => {
      log(`patch rev ${e.revision}: ${JSON.stringify(e.patch)}`);
      log(`state: ${JSON.stringify(e.after)}`);
    });
    client.on('notify', (n) => log(`notify ${n.name}: ${JSON.stringify(n.data)}`));
    client.on('message', (m) => log(`message: ${JSON.stringify(m)}`));

    const loadFile = async (file: string) => {
      try {
        client.setLocalData(JSON.parse(await readFile(file, 'utf8')));
        log(`local data from ${file}`);
      } catch (err) {
        io.stderr.write(`cannot use ${file}: ${(err as Error).message}\n`);
      }
    };
    if (dataFile) {
      if (generation !== 'seed') throw new UsageError('--data needs --generation seed: only seed peers have local data');
      const file = dataFile;
      await loadFile(file);
      watchFile(file, { interval: 200 }, () => void loadFile(file));
    }

    let quit: () => void = () => {};
    const quitted = new Promise<void>((resolve) => {
      quit = resolve;
    });
    const rl = createInterface({ input: io.stdin, terminal: false });
    rl.on('line', (line) => void command(line.trim()));
    const command = async (line: string): Promise<void> => {
      const [word = '', ...rest] = line.split(/\s+/);
      const arg = line.slice(word.length).trim();
      try {
        switch (word) {
          case '':
            return;
          case 'set':
            client.setLocalData(JSON.parse(arg));
            return;
          case 'send':
            await client.send(JSON.parse(arg));
            return;
          case 'request': {
            const name = rest[0] ?? '';
            const json = arg.slice(name.length).trim();
            log(`response ${name}: ${JSON.stringify(await client.send(name, json ? JSON.parse(json) : null))}`);
            return;
          }
          case 'flush':
            await client.flush();
            return;
          case 'state':
            log(`state: ${JSON.stringify(client.remoteData)}`);
            return;
          case 'quit':
            quit();
            return;
          default:
            io.stderr.write(`unknown command "${word}": set, send, request, flush, state or quit\n`);
        }
      } catch (err) {
        io.stderr.write(`${word}: ${(err as Error).message}\n`);
      }
    };

    await Promise.race([io.stopSignal, quitted]);
    rl.close();
    if (dataFile) unwatchFile(dataFile);
    client.close();
    return 0;
  },
});

export default syncClientCommand;
