// Every `juggler` command reads its arguments through its one flag table (flag-table.ts): its --help
// lists the table's flags with the table's defaults, a flag not in the table or without its value is a
// usage error (exit 2) saying what to give, and no command module parses argv any other way.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import type { Command } from './command';
import { commands } from './commands';
import { isTableCommand } from './flag-table';
import { runMain as run } from './testing/captured-io';

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(commands.map((c) => [c.name, c] as const))('juggler %s', (name, cmd) => {
  it('is made from its flag table', () => {
    expect(isTableCommand(cmd)).toBe(true);
    expect(cmd.flags.map((f) => f.name)).toContain('help');
  });

  it('--help lists every flag of the table, each with its default from the table', async () => {
    const { code, out } = await run([name, '--help']);
    expect(code).toBe(0);
    expect(out).toBe(cmd.help);
    for (const f of cmd.flags) {
      const left = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
      // the flag's entry: its line and the indented lines that continue it
      const entry = new RegExp(`^  ${reEscape(left)} .*(?:\\n {7,}\\S.*)*`, 'm').exec(out)?.[0];
      expect(entry, `--${f.name} in juggler ${name} --help`).toBeDefined();
      if (f.type === 'string' && f.default) expect(entry).toContain(`(default ${f.default})`);
      else expect(entry).not.toMatch(/\(default [^:]/);
    }
  });

  it('a flag not in the table is a usage error (exit 2) naming the flags it takes', async () => {
    const { code, err } = await run([name, '--no-such-flag', 'x']);
    expect(code).toBe(2);
    expect(err).toContain(`juggler ${name}: Unknown option "--no-such-flag"; the flags are --`);
    for (const f of cmd.flags) expect(err).toContain(`--${f.name}`);
    expect(err).toContain(`see: juggler ${name} --help`);
  });

  it('a value flag given last without its value is a usage error (exit 2) saying what to give', async () => {
    const f = cmd.flags.find((x) => x.type === 'string')!;
    const { code, err } = await run([name, `--${f.name}`]);
    expect(code).toBe(2);
    expect(err).toContain(`--${f.name} needs a value: ${f.value ?? 'VALUE'}`);
  });
});

describe('listen addresses go through the shared parser, with its port check', () => {
  it.each([
    ['sync-server', '--addr'],
    ['server', '--addr'],
    ['up', '--addr'],
    ['proxy', '--listen'],
    ['sync-proxy', '--listen'],
  ])('juggler %s %s 127.0.0.1:99999 exits 2 with the range to give', async (name, flag) => {
    const extra = name.endsWith('proxy') ? ['--upstream', 'ws://127.0.0.1:1/ws'] : [];
    const { code, err } = await run([name, flag, '127.0.0.1:99999', ...extra]);
    expect(code).toBe(2);
    expect(err).toContain(`${flag}: port 99999 is out of range; give a port from 0 to 65535`);
  });

  it('juggler sync-server --addr nonsense exits 2 with the form to give', async () => {
    const { code, err } = await run(['sync-server', '--addr', 'nonsense']);
    expect(code).toBe(2);
    expect(err).toContain('--addr must be HOST:PORT (e.g. 127.0.0.1:9000), got "nonsense"');
  });
});

describe('no command parses its arguments outside its table', () => {
  const dir = __dirname;
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it('only flag-table.ts calls parseArgs or looks into argv; main only takes the command name off it', () => {
    for (const file of modules) {
      const src = readFileSync(join(dir, file), 'utf8');
      if (file === 'flag-table.ts') continue;
      expect(src, file).not.toMatch(/\bparseArgs\b/);
      expect(src, file).not.toMatch(/process\.argv/);
      expect(src, file).not.toMatch(/\bargv\s*(?:\[|\.\s*(?:slice|indexOf|includes|find|findIndex|some|shift|splice|filter|map|at)\b)/);
      expect(src, file).not.toMatch(/\bfor\s*\(const \w+ of argv\)/);
    }
  });

  it("every command a module exports is made from its table and is in `juggler --help`'s list", async () => {
    let found = 0;
    for (const file of modules) {
      const mod = (await import(join(dir, file))) as Record<string, unknown>;
      for (const [key, value] of Object.entries(mod)) {
        const c = value as Partial<Command> | null;
        if (typeof c !== 'object' || c === null || typeof c.run !== 'function' || typeof c.name !== 'string' || typeof c.help !== 'string')
          continue;
        expect(isTableCommand(c as Command), `${file}: ${key}`).toBe(true);
        expect(commands, `${file}: ${key}`).toContain(c);
        found++;
      }
    }
    // each command is exported at least once (some modules also export it as their default)
    expect(found).toBeGreaterThanOrEqual(commands.length);
  });
});

// The built CLI as a real process: what a person typing the command sees.
const procs: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

test('juggler sync-server --addr 127.0.0.1:99999 (a real process) exits 2 and says which ports to give', async () => {
  const p = runCli(['sync-server', '--addr', '127.0.0.1:99999']);
  procs.push(p);
  const code = await new Promise((r) => (p.child.exitCode !== null ? r(p.child.exitCode) : p.child.once('exit', r)));
  expect(code).toBe(2);
  expect(p.stderr()).toContain('juggler sync-server: --addr: port 99999 is out of range; give a port from 0 to 65535');
  expect(p.stdout()).not.toContain('listening on');
});

test("README's `juggler COMMAND --flag ...` examples use flags of that command's table, and show its defaults", () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const names = commands.map((c) => c.name).join('|');
  let checked = 0;
  // up to the end of the code span or table cell; `\|` is a | inside a table cell
  for (const m of readme.matchAll(new RegExp(`juggler (${names})((?: (?:[^\`|\\n\\\\]|\\\\\\|)*)?)`, 'g'))) {
    const cmd = commands.find((c) => c.name === m[1])!;
    const words = m[2]!
      .replace(/[[\]]|\\\|/g, ' ')
      .trim()
      .split(/\s+/);
    words.forEach((w, i) => {
      const flag = /^--?([a-z][\w-]*)$/.exec(w)?.[1];
      if (!flag) return;
      const spec = cmd.flags.find((f) => (w.startsWith('--') || flag.length > 1 ? f.name === flag : f.short === flag));
      expect(spec, `README: "${m[0]}": ${w} is not a flag of juggler ${cmd.name}`).toBeDefined();
      checked++;
      // a value that is not a placeholder (no capitals) but looks like an address or a duration is the default
      const value = words[i + 1];
      if (spec?.default && value && !/[A-Z]/.test(value) && /[\d/]/.test(value) && !value.includes('://'))
        expect(value, `README: "${m[0]}": ${w}'s default`).toBe(spec.default);
    });
  }
  expect(checked).toBeGreaterThan(20);
});
