// One table per command describes its flags: it feeds node:util parseArgs and writes the --help lines, so
// a default shown in --help is the default used. It also accepts the Go juggler's flag spelling.
import { parseArgs } from 'node:util';
import { UsageError } from './command';
import { parseDuration } from './duration';

export interface FlagSpec {
  /** Long name (`--addr`). */
  name: string;
  /** One-letter alias (`-c`). */
  short?: string;
  type: 'string' | 'boolean';
  /** A string flag that may be given several times (its value is then a string[]). */
  multiple?: boolean;
  /** The default, as typed on the command line ('' for none). */
  default?: string;
  /** Placeholder in --help, e.g. URL. */
  value?: string;
  description: string;
}

/** The --help lines for the flags, each with its default. */
export function flagHelp(flags: readonly FlagSpec[]): string {
  const left = flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  return flags
    .map((f, i) => {
      const def = f.type === 'string' && f.default !== undefined && f.default !== '' ? ` (default ${f.default})` : '';
      return `  ${left[i]!.padEnd(width)}  ${f.description}${def}`;
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
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

export function parseFlags(argv: readonly string[], flags: readonly FlagSpec[], allowPositionals = false): ParsedFlags {
  const options = Object.fromEntries(
    flags.map((f) => [
      f.name,
      {
        type: f.type,
        ...(f.short ? { short: f.short } : {}),
        ...(f.multiple ? { multiple: true } : {}),
        ...(f.type === 'string' && f.default !== undefined && !f.multiple ? { default: f.default } : {}),
      },
    ]),
  );
  const { values, positionals } = parseArgs({ args: normalize(argv, flags), options, allowPositionals, strict: true });
  return { values: values as ParsedFlags['values'], positionals };
}

/** A flag value that must be a positive integer. */
export function intFlag(name: string, v: unknown, min = 1): number {
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim()) || n < min)
    throw new UsageError(`--${name} must be an integer of at least ${min}, got "${String(v)}"`);
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
