// `juggler load` as its own process (the built CLI), calls to test.echo: the load the RPC and tracing
// benchmarks put on a server, reported as `--json`.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { LoadReport } from '../src/embedded-server/cli/load';

// JUGGLER_LOAD_BIN: the load process from another build (bin/juggler.js of another checkout), to tell a
// change's effect on the load generator from its effect on the server and callee
const bin = process.env.JUGGLER_LOAD_BIN || join(__dirname, '..', 'bin', 'juggler.js');

export interface LoadProcessOptions {
  connections: number;
  seconds: number;
  /** Each connection calls every `rateMs`; absent: the next call as soon as the previous result arrives. */
  rateMs?: number;
  /** Node flags for the load process, e.g. --cpu-prof. */
  execArgv?: string[];
  /** Environment for the load process (added to this one's). */
  env?: NodeJS.ProcessEnv;
  /** Called once its connections are open and the calls start (it says so on stderr). */
  onStarted?: () => void;
}

/** Async, so that a host in the calling process keeps serving while the load runs. */
export function runLoadProcess(url: string, o: LoadProcessOptions): Promise<LoadReport> {
  return runLoadProcessWithPid(url, o).done;
}

/** The same, with the load process's pid while it runs (to read its CPU time from /proc). */
export function runLoadProcessWithPid(url: string, o: LoadProcessOptions): { pid: number | undefined; done: Promise<LoadReport> } {
  const rate = o.rateMs === undefined ? '-1ms' : `${o.rateMs}ms`;
  const args = [
    ...(o.execArgv ?? []),
    bin,
    'load',
    '--addr',
    url,
    '-c',
    String(o.connections),
    '-d',
    `${o.seconds}s`,
    '-r',
    rate,
    '-u',
    'test.echo',
    '-p',
    'hello',
    '-t',
    '5s',
    '--json',
  ];
  let pid: number | undefined;
  const done = new Promise<LoadReport>((resolve, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 64 << 20, env: { ...process.env, ...o.env } }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as LoadReport),
    );
    pid = child.pid;
    let err = '';
    const onStarted = o.onStarted;
    if (onStarted) {
      const watch = (b: Buffer) => {
        err += b.toString();
        if (!/connections started/.test(err)) return;
        child.stderr!.off('data', watch);
        onStarted();
      };
      child.stderr!.on('data', watch);
    }
  });
  return { pid, done };
}
