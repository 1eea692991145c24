// `juggler sync-proxy`: stands between a real sync client and a real sync server, forwards every frame
// unchanged and prints what each side's data becomes (issue 12, item 5). The Studio runs the same proxy
// (host/sync-attach.ts) and shows both replicas with the divergence alarm.
import { redactUrl } from '../../shared/redact-url';
import { isGeneration } from '../sync/generation';
import { SyncProxy } from '../sync-proxy/sync-proxy';
import { parseListenAddr } from './addr';
import { UsageError } from './command';
import { defineCommand, type FlagSpec } from './flag-table';

const flags: FlagSpec[] = [
  {
    name: 'listen',
    type: 'string',
    default: '127.0.0.1:9300',
    value: 'HOST:PORT',
    description: 'where clients connect (port 0 picks a free one)',
  },
  { name: 'upstream', type: 'string', value: 'URL', description: 'the sync server, ws://HOST:PORT/PATH or wss://... (required)' },
  {
    name: 'generation',
    type: 'string',
    default: 'detect',
    value: 'GEN',
    description: 'seed, 0.6, 0.7, or detect (from the first frame of each connection)',
  },
  { name: 'quiet', type: 'boolean', description: 'print connections and failures only, not every patch' },
];

export const syncProxyCommand = defineCommand({
  name: 'sync-proxy',
  summary: 'record the traffic between a sync client and a sync server, with both sides\u2019 data',
  usage: '--upstream URL [flags]',
  about: `A recording proxy for the juggler data-sync protocol: point a sync client at the --listen address and
each connection is forwarded to --upstream, frames unchanged both ways, close codes and reasons passed
through, an upgrade the server refuses passed with its HTTP status (502 when the server is unreachable).
Both directions' patches are decoded with the generation's codec, and each side's data is printed as
it changes. A frame that cannot be decoded is reported and still forwarded.`,
  flags,
  notes: `Prints "listening on ws://HOST:PORT/PATH" once ready; stops on SIGINT/SIGTERM.`,
  async run({ values }, io) {
    const upstream = values.upstream;
    if (typeof upstream !== 'string' || !/^wss?:\/\/[^/]/.test(upstream))
      throw new UsageError(`--upstream must be a ws:// or wss:// URL of a sync server, got "${upstream ?? ''}"`);
    const generation = values.generation as string;
    if (generation !== 'detect' && !isGeneration(generation))
      throw new UsageError(`--generation must be seed, 0.6, 0.7 or detect, got "${generation}"`);
    const { host, port } = parseListenAddr(values.listen as string, '--listen');
    const log = (line: string) => io.stdout.write(`${line}\n`);
    const proxy = await SyncProxy.listen({ upstream, host, port, generation: generation === 'detect' ? undefined : generation });
    proxy.on('connection', (c) => {
      log(`${c.id} connected from ${c.remote}`);
      c.replicas.on('generation', (g) => log(`${c.id} speaks generation ${g}`));
      if (!values.quiet)
        c.replicas.on('change', (e) => log(`${c.id} ${e.side} ${e.replica} rev ${e.change.revision}: ${JSON.stringify(e.change.patch)}`));
    });
    proxy.on('close', (e) => log(`${e.connId} closed by the ${e.by}: ${e.code}${e.reason ? ` ${e.reason}` : ''}`));
    proxy.on('refused', (e) => log(`refused ${e.remote}: HTTP ${e.status} ${e.reason}`));
    proxy.on('decodeError', (e) => log(`${e.connId} cannot decode a frame from the ${e.from} (forwarded anyway): ${e.message}`));
    log(`listening on ${proxy.url} -> ${redactUrl(upstream)}`);
    await io.stopSignal;
    await proxy.close();
    return 0;
  },
});

export default syncProxyCommand;
