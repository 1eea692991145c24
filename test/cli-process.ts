// Runs the built `juggler` CLI as a real process and waits for its ready line.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const jugglerBin = join(__dirname, '..', 'bin', 'juggler.js');

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function runCli(args: string[], opts: { input?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [jugglerBin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners: (() => void)[] = [];
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    for (const l of [...listeners]) l();
  });
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            clearTimeout(t);
            listeners.splice(listeners.indexOf(check), 1);
            resolve(m);
          }
        };
        const t = setTimeout(() => {
          listeners.splice(listeners.indexOf(check), 1);
          reject(new Error(`no ${re} in output within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        listeners.push(check);
        check();
        void exited.then((code) => {
          if (!out.match(re)) {
            clearTimeout(t);
            reject(new Error(`exited with ${code} before ${re}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
