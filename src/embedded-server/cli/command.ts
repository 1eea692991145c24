// One `juggler` subcommand. Each lives in its own file and is listed in ./commands.ts.
export interface Command {
  /** The word after `juggler`, e.g. `server`. */
  readonly name: string;
  /** One line for `juggler --help`. */
  readonly summary: string;
  /** Full `juggler NAME --help` text: usage, every flag with its default (written from its flag table). */
  readonly help: string;
  /**
   * Runs the command with the arguments after its name (--help among them prints `help`). Commands are
   * made by defineCommand (flag-table.ts), which parses the arguments by the command's table. Resolves
   * with the process exit code once the command is done; long-running commands (servers) resolve only
   * after they were asked to stop (SIGINT/SIGTERM) and have shut down.
   */
  run(argv: string[], io: CommandIO): Promise<number>;
}

export interface CommandIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
  readonly stopSignal: Promise<NodeJS.Signals>;
}

/** A usage error: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
