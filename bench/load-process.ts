// `juggler load` as its own process (the built CLI), back-to-back calls to test.echo: the load the
// RPC and tracing benchmarks put on a server, reported as `--json`.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { LoadReport } from '../src/embedded-server/cli/load';

const bin = join(__dirname, '..', 'bin', 'juggler.js');

/** Async, so that a host in the calling process keeps serving while the load runs. */
export function runLoadProcess(url: string, o: { connections: number; seconds: number }): Promise<LoadReport> {
  const args = [
    bin,
    'load',
    '--addr',
    url,
    '-c',
    String(o.connections),
    '-d',
    `${o.seconds}s`,
    '-r',
    '-1ms',
    '-u',
    'test.echo',
    '-p',
    'hello',
    '-t',
    '5s',
    '--json',
  ];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 64 << 20 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as LoadReport),
    ),
  );
}
