// The `juggler` executable: dispatches to a subcommand, mirroring the Go juggler's commands.
import { type CommandIO, UsageError } from './command';
import { commands } from './commands';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'juggler: wire-compatible juggler.0 server, callee, client and load tester, and the juggler data-sync peers',
    '',
    'usage: juggler COMMAND [flags]      juggler COMMAND --help',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topHelp());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`juggler: unknown command "${name}"\n\n${topHelp()}`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`juggler ${name}: ${(err as Error).message}\nsee: juggler ${name} --help\n`);
      return 2;
    }
    io.stderr.write(`juggler ${name}: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

export function processIO(): CommandIO {
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, stopSignal };
}
