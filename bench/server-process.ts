// `juggler server` as its own process (the built CLI) on a given redis, for the benchmarks that measure
// the server apart from the clients that load it. Resolves once it prints its URL; keeps its output for
// error messages and for lines the benchmark waits for (e.g. the memory report of memory-report.cjs).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = join(__dirname, '..', 'bin', 'juggler.js');

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `re` in what it prints from now on. */
  next(re: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export function startServerProcess(redisUrl: string, o: { nodeArgs?: string[]; args?: string[] } = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), bin, 'server', '--addr', '127.0.0.1:0', '--redis', redisUrl, ...(o.args ?? [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let waiters: { re: RegExp; from: number; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    waiters = waiters.filter((w) => {
      const m = w.re.exec(out.slice(w.from));
      if (m) w.resolve(m);
      return !m;
    });
  };
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    check();
  });
  child.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
    check();
  });
  const next = (re: RegExp) => new Promise<RegExpExecArray>((resolve) => waiters.push({ re, from: out.length, resolve }));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`juggler server exited with ${code} before listening:\n${out}`));
    child.once('exit', onExit);
    next(/listening on (ws:\/\/\S+)/).then((m) => {
      child.off('exit', onExit);
      resolve({
        child,
        pid: child.pid!,
        url: m[1]!,
        output: () => out,
        next,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
