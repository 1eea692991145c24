// The CLI in process, for tests: a command's stdout and stderr captured as text, no stdin, and a stop
// signal that never comes (a command that got past its flags runs until it ends by itself).
import { PassThrough, Readable } from 'node:stream';
import type { CommandIO } from '../command';
import { main } from '../main';

export function capturedIO(): { io: CommandIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (b: Buffer) => {
    out += b.toString();
  });
  const stderr = new PassThrough().on('data', (b: Buffer) => {
    err += b.toString();
  });
  return {
    io: { stdin: Readable.from([]), stdout, stderr, stopSignal: new Promise(() => {}) },
    out: () => out,
    err: () => err,
  };
}

/** `juggler ...argv` in this process: its exit code and what it printed. */
export async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capturedIO();
  const code = await main(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}
