// `juggler proxy`: the recording juggler.0 proxy. Clients connect to --listen; each connection is
// forwarded to --upstream (see proxy/upstream-request.ts for the path, query and header rules) and every
// frame is printed as `juggler client` prints them, with the connection id, or as NDJSON with --json.
import { readFileSync } from 'node:fs';
import { JugglerProxy, ProxyError, type ProxyHooks, parseHeaderLine, proxyDefaults } from '../proxy';
import { parseListenAddr } from './addr';
import { timestamp } from './client';
import { UsageError } from './command';
import { defineCommand, type FlagSpec, intFlag } from './flag-table';

const flags: FlagSpec[] = [
  { name: 'listen', short: 'l', type: 'string', default: '127.0.0.1:9100', value: 'HOST:PORT', description: 'address clients connect to' },
  {
    name: 'upstream',
    short: 'u',
    type: 'string',
    default: '',
    value: 'URL',
    description: 'juggler server to forward to: ws://HOST:PORT/PATH or wss://',
  },
  {
    name: 'header',
    short: 'H',
    type: 'string',
    multiple: true,
    value: "'NAME: VALUE'",
    description: 'header sent to the upstream on every connection (repeatable); wins over the client’s',
  },
  {
    name: 'read-limit',
    type: 'string',
    default: String(proxyDefaults.readLimit),
    value: 'BYTES',
    description: 'largest frame accepted from either side; larger closes that connection with 1009',
  },
  {
    name: 'upstream-ca',
    type: 'string',
    default: '',
    value: 'FILE',
    description: 'PEM CA that signed a wss:// upstream’s certificate (default: Node’s CAs)',
  },
  { name: 'json', type: 'boolean', description: 'print frames and connection changes as NDJSON' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'print connection changes only, not frames' },
];

export const proxyCommand = defineCommand({
  name: 'proxy',
  summary: 'recording juggler.0 proxy: forwards clients to a server and prints every frame',
  usage: '--upstream ws://HOST:PORT/PATH [flags]',
  about: `A recording proxy for juggler.0: point clients at the address it prints ("listening on ws://...") instead
of the server. Each client connection is forwarded to the upstream with the client's subprotocols, its
query, and its Authorization, Cookie, Origin, User-Agent, Accept-Language, Juggler-Allowed-Messages and
X-* headers (plus --header ones). If the upstream URL has a path, every connection goes to that path;
otherwise the client's path is used. The client's upgrade completes once the upstream accepted; a refusal
reaches the client with the upstream's HTTP status, an unreachable upstream gives 502. Frames pass
unchanged both ways, as do close codes and reasons.

Every frame is printed as "TIME CONN > frame" (client to upstream) or "TIME CONN < frame" (upstream to
client); "TIME CONN !" lines are connection changes. SIGINT/SIGTERM close every connection with 1001.`,
  flags,
  async run({ values }, io) {
    const upstream = values.upstream as string;
    if (!upstream) throw new UsageError('--upstream is required, e.g. --upstream ws://127.0.0.1:9000/ws');
    const { host, port } = parseListenAddr(values.listen as string, '--listen');
    const readLimit = intFlag('read-limit', values['read-limit']);
    const headers: Record<string, string> = {};
    for (const line of (values.header as string[] | undefined) ?? []) {
      try {
        const [name, value] = parseHeaderLine(line);
        headers[name] = value;
      } catch (err) {
        throw new UsageError(`--header: ${(err as Error).message}`);
      }
    }
    const caFile = values['upstream-ca'] as string;
    let ca: string | undefined;
    if (caFile) {
      try {
        ca = readFileSync(caFile, 'utf8');
      } catch (err) {
        throw new UsageError(`--upstream-ca: cannot read ${caFile}: ${(err as Error).message}`);
      }
    }
    const json = values.json === true;
    const quiet = values.quiet === true;
    const out = (line: string) => io.stdout.write(`${line}\n`);
    const hooks: ProxyHooks = {
      onFrame: quiet
        ? undefined
        : json
          ? (ev) =>
              out(
                JSON.stringify({
                  t: new Date().toISOString(),
                  conn: ev.connId,
                  dir: ev.direction,
                  binary: ev.binary,
                  size: ev.size,
                  text: ev.text,
                }),
              )
          : (ev) =>
              out(
                `${timestamp(Date.now())} ${ev.connId} ${ev.direction === 'in' ? '>' : '<'} ${ev.text.trimEnd()}${ev.binary ? '   (binary)' : ''}`,
              ),
      onConnState: (conn, state, info) => {
        if (json) {
          out(JSON.stringify({ t: new Date().toISOString(), conn: conn.id, state, remote: conn.remote, path: conn.path, ...info }));
          return;
        }
        const what =
          state === 'connecting'
            ? `connecting ${conn.remote} ${conn.path} to ${conn.upstreamUrl}`
            : state === 'connected'
              ? 'connected'
              : info?.refused
                ? `refused ${info.code}: ${info.reason}`
                : `closed ${info?.code ?? ''}${info?.reason ? ` ${info.reason}` : ''} (by ${info?.by ?? '?'})`;
        out(`${timestamp(Date.now())} ${conn.id} ! ${what}`);
      },
    };
    let proxy: JugglerProxy;
    try {
      proxy = new JugglerProxy({ upstream, headers, readLimit, ...(ca ? { ca } : {}) }, hooks);
    } catch (err) {
      // a bad --upstream or --header is a usage error (exit 2), with the proxy's own words
      if (err instanceof ProxyError) throw new UsageError(err.message);
      throw err;
    }
    const url = await proxy.listen({ host, port });
    out(json ? JSON.stringify({ listening: url, upstream: proxy.upstream }) : `listening on ${url} -> ${proxy.upstream}`);
    const sig = await io.stopSignal;
    if (!json) out(`${sig}: shutting down`);
    await proxy.close();
    return 0;
  },
});
