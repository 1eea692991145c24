// The one flag table of every `juggler` command. A command is defined by its table (defineCommand): the
// table feeds node:util parseArgs and writes the --help lines, so a default shown in --help is the
// default used, and no command reads its arguments any other way (cli-table.test.ts checks both). It
// also accepts the Go juggler's flag spelling.
import { parseArgs } from 'node:util';
import { type Command, type CommandIO, UsageError } from './command';
import { parseDuration } from './duration';

export interface FlagSpec {
  /** Long name (`--addr`); Go's one-dash spelling (`-addr`) is accepted too. */
  name: string;
  /** One-letter alias (`-c`). */
  short?: string;
  type: 'string' | 'boolean';
  /** A string flag that may be given several times (its value is then a string[]). */
  multiple?: boolean;
  /** The default, as typed on the command line ('' or absent for none). */
  default?: string;
  /** Placeholder in --help, e.g. URL. */
  value?: string;
  description: string;
}

/** Every command takes it; main's dispatch never looks at the arguments itself. */
const helpFlag: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'this text' };

/** Where descriptions wrap in --help. */
const HELP_WIDTH = 110;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/[ \t\n]+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** The --help lines for the flags, each with its default. */
export function flagHelp(flags: readonly FlagSpec[]): string {
  const left = flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  const indent = ' '.repeat(2 + width + 2);
  return flags
    .map((f, i) => {
      // "(default X)" stays on one line, so that it can be found next to its flag
      const def = f.type === 'string' && f.default !== undefined && f.default !== '' ? ` (default\u00a0${f.default})` : '';
      const [first, ...rest] = wrap(`${f.description}${def}`, Math.max(40, HELP_WIDTH - indent.length)).map((l) =>
        l.replace(/\u00a0/g, ' '),
      );
      return [`  ${left[i]!.padEnd(width)}  ${first}`, ...rest.map((l) => `${indent}${l}`)].join('\n');
    })
    .join('\n');
}

/**
 * Go's flag package spells long flags with one dash (`-addr`) and takes values starting with a dash
 * (`-r -1ms`); parseArgs does neither, so the arguments are rewritten first: `-addr x` → `--addr x`,
 * `-r -1ms` → `--rate=-1ms`.
 */
function normalize(argv: readonly string[], flags: readonly FlagSpec[]): string[] {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--?([^=]+)(=.*)?$/.exec(a);
    const spec = m ? (a.startsWith('--') || m[1]!.length > 1 ? byName.get(m[1]!) : byShort.get(m[1]!)) : undefined;
    if (!spec || !m) {
      out.push(a);
      continue;
    }
    if (spec.type === 'string' && !m[2] && i + 1 < argv.length && argv[i + 1]!.startsWith('-')) {
      out.push(`--${spec.name}=${argv[++i]}`);
    } else out.push(`--${spec.name}${m[2] ?? ''}`);
  }
  return out;
}

export interface ParsedFlags {
  /** Every flag of the table: its value, or its default when not given (booleans: undefined). */
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
  /** The flags given on the command line (a config file may fill the others before the defaults). */
  given: ReadonlySet<string>;
}

/** parseArgs' own errors, said as what to give instead. */
function usageError(err: unknown, flags: readonly FlagSpec[]): unknown {
  const code = (err as { code?: string }).code;
  const msg = (err as Error).message ?? '';
  const names = flags.map((f) => `--${f.name}`).join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const opt = /'([^']+)'/.exec(msg)?.[1] ?? '?';
    return new UsageError(`Unknown option "${opt}"; the flags are ${names}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /--([\w-]+)/.exec(msg);
    const spec = flags.find((f) => f.name === m?.[1]);
    if (spec?.type === 'string') return new UsageError(`--${spec.name} needs a value: ${spec.value ?? 'VALUE'} (${spec.description})`);
    if (spec?.type === 'boolean') return new UsageError(`--${spec.name} takes no value: give --${spec.name} alone`);
    return new UsageError(msg);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(msg)?.[1] ?? '?';
    return new UsageError(`unexpected argument "${arg}": this command takes flags only (${names})`);
  }
  return err;
}

export function parseFlags(argv: readonly string[], flags: readonly FlagSpec[], allowPositionals = false): ParsedFlags {
  const options = Object.fromEntries(
    flags.map((f) => [
      f.name,
      {
        type: f.type,
        ...(f.short ? { short: f.short } : {}),
        ...(f.multiple ? { multiple: true } : {}),
        ...(f.type === 'string' && f.default !== undefined && f.default !== '' && f.multiple ? { default: [f.default] } : {}),
        ...(f.type === 'string' && f.default !== undefined && !f.multiple ? { default: f.default } : {}),
      },
    ]),
  );
  try {
    const { values, positionals, tokens } = parseArgs({
      args: normalize(argv, flags),
      options,
      allowPositionals,
      strict: true,
      tokens: true,
    });
    const given = new Set(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
    return { values: values as ParsedFlags['values'], positionals, given };
  } catch (err) {
    throw usageError(err, flags);
  }
}

/** A command as its flag table and what it does with the parsed flags. */
export interface CommandSpec {
  /** The word after `juggler`, e.g. `server`. */
  readonly name: string;
  /** One line for `juggler --help`. */
  readonly summary: string;
  /** What follows `juggler NAME` in the usage line; default `[flags]`. */
  readonly usage?: string;
  /** What the command does, before the flags in --help. */
  readonly about: string;
  readonly flags: readonly FlagSpec[];
  /** Text after the flags in --help (stdin commands, what it prints). */
  readonly notes?: string;
  /** The command takes arguments besides flags (e.g. handler files). */
  readonly positionals?: boolean;
  run(flags: ParsedFlags, io: CommandIO): Promise<number>;
}

/** A command made from a flag table, with the table it parses by. */
export interface TableCommand extends Command {
  readonly flags: readonly FlagSpec[];
}

const fromTable = new WeakSet<Command>();

/** Whether `cmd` was made by defineCommand, i.e. reads its arguments only through its table. */
export function isTableCommand(cmd: Command): cmd is TableCommand {
  return fromTable.has(cmd);
}

/** --help given anywhere before `--`: the help wins over any other (even wrong) argument. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-help' || a === '-h');
}

export function defineCommand(spec: CommandSpec): TableCommand {
  const flags = [...spec.flags, helpFlag];
  const help = [
    `usage: juggler ${spec.name} ${spec.usage ?? '[flags]'}`,
    '',
    spec.about.trim(),
    '',
    'flags:',
    flagHelp(flags),
    ...(spec.notes ? ['', spec.notes.trim()] : []),
    '',
  ].join('\n');
  const cmd: TableCommand = {
    name: spec.name,
    summary: spec.summary,
    help,
    flags,
    async run(argv, io) {
      if (wantsHelp(argv)) {
        io.stdout.write(help);
        return 0;
      }
      return spec.run(parseFlags(argv, flags, spec.positionals === true), io);
    },
  };
  fromTable.add(cmd);
  return cmd;
}

/** A flag value that must be an integer of at least `min`. */
export function intFlag(name: string, v: unknown, min = 1): number {
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim()) || n < min)
    throw new UsageError(`--${name} must be an integer of at least ${min}, got "${String(v)}"`);
  return n;
}

/** A flag value that must be a whole number of milliseconds (0 allowed). */
export function msFlag(name: string, v: unknown): number {
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a whole number of milliseconds, got "${String(v)}"`);
  return n;
}

/** A flag value that must be a Go duration; returns milliseconds. */
export function durationFlag(name: string, v: unknown): number {
  try {
    return parseDuration(String(v));
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}
