// Go-style durations (`10s`, `100ms`, `1m30s`, `1.5h`, `250us`), as the Go juggler's flags and YAML
// config take them. A bare number is milliseconds.

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration string; throws a message that shows the accepted forms. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') return input;
  const s = input.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let sign = 1;
  let rest = s;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  }
  let total = 0;
  let matched = 0;
  re.lastIndex = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== rest.length) {
    throw new Error(`invalid duration "${input}": use Go forms like 500ms, 10s, 1m30s (a bare number is milliseconds)`);
  }
  return sign * total;
}
