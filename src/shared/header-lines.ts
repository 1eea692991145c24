// "Name: value" header lines, as `juggler proxy --header` and the Attach view's header box take them.
// Shared by the CLI and the renderer so both read them alike; the proxy checks names and values.

/** Parses one `Name: value` line. Throws an Error saying what is wrong. */
export function parseHeaderLine(line: string): [string, string] {
  const i = line.indexOf(':');
  if (i <= 0) throw new Error(`header "${line}" must be "Name: value"`);
  return [line.slice(0, i).trim(), line.slice(i + 1).trim()];
}

/** Parses a block of header lines (blank lines skipped); a later line of the same name wins. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [name, value] = parseHeaderLine(line);
    out[name] = value;
  }
  return out;
}
