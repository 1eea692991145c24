// `juggler callee`: serves URIs from redis with the demo functions and/or handler files.
import { resolve } from 'node:path';
import { RedisBroker } from '../broker/redis/broker';
import { defaultRedisUrl } from '../broker/redis/options';
import { Callee, type Thunk } from '../callee/callee';
import { demoHandlers } from '../callee/demo';
import { redisAddrToUrl } from '../server/config-file';
import { UsageError } from './command';
import { defineCommand, type FlagSpec, intFlag } from './flag-table';
import { announceReady, withProcs } from './procs';

const flags: FlagSpec[] = [
  { name: 'redis', type: 'string', default: defaultRedisUrl, value: 'URL', description: 'redis to take calls from' },
  { name: 'redis-cluster', type: 'boolean', description: 'treat --redis as a seed node of a Redis Cluster' },
  {
    name: 'redis-ca',
    type: 'string',
    value: 'FILE',
    description: "PEM CA that signed the rediss:// server's certificate (default: Node's CAs)",
  },
  { name: 'workers', type: 'string', default: '10', value: 'N', description: 'calls run at the same time' },
  { name: 'demo', type: 'boolean', description: 'serve test.echo, test.reverse and test.delay as the Go demo does' },
  { name: 'quiet', type: 'boolean', description: 'do not print each call' },
];

async function loadHandlerFile(file: string): Promise<Record<string, Thunk>> {
  const path = resolve(file);
  let mod: Record<string, unknown>;
  try {
    mod = require(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') mod = await import(path);
    else throw new Error(`cannot load handler file ${file}: ${(err as Error).message}`);
  }
  const exportsObj = (mod.default && typeof mod.default === 'object' ? mod.default : mod) as Record<string, unknown>;
  const out: Record<string, Thunk> = {};
  for (const [uri, fn] of Object.entries(exportsObj)) {
    if (uri === '__esModule' || uri === 'default') continue;
    if (typeof fn !== 'function') throw new Error(`handler file ${file}: export "${uri}" is not a function`);
    out[uri] = fn as Thunk;
  }
  if (Object.keys(out).length === 0) throw new Error(`handler file ${file} exports no functions (export an object of URI → function)`);
  return out;
}

export const calleeCommand = defineCommand(
  withProcs({
    name: 'callee',
    summary: 'serve URIs: pop calls from redis, run functions, store results',
    usage: '[flags] [handler files...]',
    about: `Pops calls for its URIs from redis, runs the function of each URI and stores the result, as the Go
callee does. A handler file is a CommonJS or ES module whose exports map URIs to (async) functions:

  module.exports = { 'app.add': ([a, b]) => a + b, 'app.fail': () => { throw new Error('no') } };

A thrown error becomes the result {"error":{"message":...}}.`,
    flags,
    positionals: true,
    async run({ values, positionals }, io) {
      const workers = intFlag('workers', values.workers);
      const handlers: Record<string, Thunk> = values.demo ? { ...demoHandlers } : {};
      for (const f of positionals) Object.assign(handlers, await loadHandlerFile(f));
      if (Object.keys(handlers).length === 0) throw new UsageError('nothing to serve: pass --demo and/or handler files');
      const broker = await RedisBroker.connect({
        url: redisAddrToUrl(values.redis as string),
        cluster: values['redis-cluster'] as boolean | undefined,
        tlsCaFile: values['redis-ca'] as string | undefined,
        clientName: 'callee',
        onHealth: (ev) => io.stderr.write(`juggler callee: redis ${ev.connection} ${ev.up ? 'is back' : `is unavailable (${ev.error})`}\n`),
      });
      const callee = new Callee({
        broker,
        handlers,
        workers,
        onInvocation: values.quiet
          ? undefined
          : (inv) =>
              io.stdout.write(
                `${new Date().toISOString()} ${inv.outcome.padEnd(7)} ${inv.uri} ${inv.msgUUID} ${inv.durationMs.toFixed(1)}ms${inv.error ? ` ${inv.error}` : ''}\n`,
              ),
        onError: (err) => io.stderr.write(`juggler callee: ${err.message}\n`),
      });
      callee.start();
      announceReady(io, `redis ${broker.description}\nserving ${callee.uris.join(', ')} with ${workers} workers\n`);
      const sig = await io.stopSignal;
      io.stdout.write(`${sig}: finishing running calls\n`);
      await callee.stop();
      await broker.close();
      return 0;
    },
  }),
);
