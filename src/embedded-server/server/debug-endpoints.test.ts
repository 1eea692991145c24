// GET /debug/vars and GET /metrics on `juggler server`'s HTTP address (issue 12, item 6), against the
// real process: the JSON has the members and counter names of the Go server's recording
// (../shared/conformance/go-debug-vars.json) that Go's juggler-load reads, /metrics parses as strict
// Prometheus text, and --no-debug-endpoints turns both off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, inject, test, vi } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { RawPeer } from '../../../test/stack';

const redisUrl = inject('redisUrl');
const goVars = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'shared', 'conformance', 'go-debug-vars.json'), 'utf8'));

const procs: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

/** A server process; resolves with its websocket URL and its HTTP base. */
async function server(extra: string[] = []): Promise<{ ws: string; http: string }> {
  const p = start(['server', '--addr', '127.0.0.1:0', '--redis', redisUrl, ...extra]);
  const [, ws] = await p.waitFor(/listening on (ws:\/\/\S+)/);
  return { ws: ws!, http: new URL(ws!).origin.replace('ws:', 'http:') };
}

/** `n` calls of test.echo over `conns` connections, each answered. */
async function calls(ws: string, conns: number, n: number): Promise<void> {
  for (let c = 0; c < conns; c++) {
    const peer = await RawPeer.connect(ws);
    for (let i = 0; i < n / conns; i++) {
      const id = crypto.randomUUID();
      peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 5e9, args: i } });
      await peer.forType(9, id, 10_000);
    }
    const closed = peer.closed;
    peer.ws.close();
    await closed;
  }
}

// ---- a strict reader of the Prometheus text exposition format (0.0.4) ------------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface PromFamily {
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Throws on anything the format does not allow (the first bad line is named). */
function parsePrometheus(text: string): Map<string, PromFamily> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, PromFamily>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line)})`;
    if (line === '') throw new Error(`${where}: empty line`);
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name!)) throw new Error(`${where}: bad metric name`);
      const f = families.get(name!) ?? { type: '', help: '', samples: [] };
      if (f.samples.length > 0) throw new Error(`${where}: ${kind} after the family's samples`);
      if (kind === 'TYPE') {
        if (f.type) throw new Error(`${where}: a second TYPE`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest!)) throw new Error(`${where}: unknown type`);
        f.type = rest!;
      } else {
        if (f.help) throw new Error(`${where}: a second HELP`);
        if (/\\[^\\n]/.test(rest!)) throw new Error(`${where}: bad escape in HELP`);
        f.help = rest!;
      }
      families.set(name!, f);
      return;
    }
    if (line.startsWith('#')) return; // a comment
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${where}: not a sample`);
    const [, name, labelText, valueText] = m;
    const f = families.get(name!);
    if (!f?.type) throw new Error(`${where}: sample without TYPE`);
    if ([...families.keys()].at(-1) !== name) throw new Error(`${where}: samples of a family must be together`);
    const labels: Record<string, string> = {};
    if (labelText !== undefined) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let at = 0;
      while (at < labelText.length) {
        re.lastIndex = at;
        const l = re.exec(labelText);
        if (!l) throw new Error(`${where}: bad labels`);
        if (l[1]! in labels) throw new Error(`${where}: label ${l[1]} twice`);
        labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        at = re.lastIndex;
      }
    }
    if (!/^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)$/.test(valueText!)) throw new Error(`${where}: bad value`);
    const value = Number(valueText!.replace('Inf', 'Infinity'));
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`${where}: a counter below 0`);
    f.samples.push({ name: name!, labels, value });
  });
  for (const [name, f] of families) if (f.samples.length === 0) throw new Error(`${name} has no samples`);
  return families;
}

test('the strict Prometheus reader refuses what the format does not allow', () => {
  expect(() => parsePrometheus('# TYPE a counter\na 1')).toThrow(/newline/);
  expect(() => parsePrometheus('a 1\n')).toThrow(/without TYPE/);
  expect(() => parsePrometheus('# TYPE a counter\na{x="1} 1\n')).toThrow(/bad labels/);
  expect(() => parsePrometheus('# TYPE a counter\na one\n')).toThrow(/not a sample|bad value/);
  expect(() => parsePrometheus('# TYPE a counter\na -1\n')).toThrow(/below 0/);
  expect(() => parsePrometheus('# TYPE a gauge\n# TYPE b gauge\nb 1\na 2\n')).toThrow(/together/);
  expect(parsePrometheus('# HELP a x\n# TYPE a gauge\na{k="q\\"n"} 1.5e3\n').get('a')!.samples[0]).toEqual({
    name: 'a',
    labels: { k: 'q"n' },
    value: 1500,
  });
});

test("GET /debug/vars answers Go's expvar JSON: cmdline, the memstats Go's juggler-load reads, and the Go server's counter names", async () => {
  const { ws, http } = await server();
  start(['callee', '--redis', redisUrl, '--demo', '--quiet']);
  const before = await fetch(`${http}/debug/vars`);
  expect(before.status).toBe(200);
  expect(before.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const fresh = (await before.json()) as Record<string, Record<string, unknown>>;
  // nothing counted yet: Go's expvar map holds no key until a counter is first added to
  expect(fresh.juggler).toEqual({});

  await calls(ws, 2, 40);
  // the clients have closed; the server counts a connection gone once it has seen the close, which a
  // loaded machine can delay past the first read
  const vars = await vi.waitFor(async () => {
    const v = (await (await fetch(`${http}/debug/vars`)).json()) as Record<string, unknown>;
    expect((v.juggler as Record<string, number>).ActiveConns).toBe(0);
    return v;
  }, 10_000);
  for (const member of Object.keys(goVars)) expect(vars).toHaveProperty(member);
  expect(Array.isArray(vars.cmdline)).toBe(true);
  expect(vars.cmdline).toContain('server');

  const memstats = vars.memstats as Record<string, unknown>;
  for (const field of ['HeapObjects', 'StackInuse', 'NumGC', 'PauseTotalNs', 'HeapAlloc', 'HeapInuse', 'Sys', 'LastGC'])
    expect(typeof memstats[field], field).toBe(typeof goVars.memstats[field]);
  expect(memstats.PauseNs).toHaveLength(goVars.memstats.PauseNs.length);
  expect(memstats.HeapAlloc as number).toBeGreaterThan(0);
  // juggler-load decodes these into Go ints (PauseTotalNs a time.Duration): a fraction would fail its decode
  for (const field of ['Mallocs', 'Frees', 'HeapObjects', 'NumGC', 'PauseTotalNs'])
    if (field in memstats) expect(Number.isInteger(memstats[field]), field).toBe(true);

  // the same counters as the Go server after 40 calls over 2 connections (Go's per-connection goroutine
  // counters have no Node counterpart and are absent, which Go's JSON decoding reads as 0)
  // SlowProcessMsg counts messages that took long to process: on a loaded machine some do, as they
  // would on the Go server; it is a Go counter name too, so it may show up beside the recording's
  const { SlowProcessMsg: slow, ...juggler } = vars.juggler as Record<string, number>;
  if (slow !== undefined) expect(slow).toBeGreaterThan(0);
  const goCounters = Object.keys(goVars.juggler).filter((k) => !k.endsWith('Goros'));
  expect(Object.keys(juggler).sort()).toEqual(goCounters.sort());
  expect(juggler).toEqual(Object.fromEntries(goCounters.map((k) => [k, goVars.juggler[k]])));
  for (const [k, v] of Object.entries(juggler)) expect(Number.isInteger(v), k).toBe(true);
});

test('GET /metrics answers Prometheus text with HELP and TYPE for every counter and gauge', async () => {
  const { ws, http } = await server();
  start(['callee', '--redis', redisUrl, '--demo', '--quiet']);
  await calls(ws, 1, 5);
  const res = await fetch(`${http}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const families = parsePrometheus(await res.text());
  for (const f of families.values()) expect(f.help).not.toBe('');
  const msgs = families.get('juggler_msgs_total')!;
  expect(msgs.type).toBe('counter');
  const byType = Object.fromEntries(msgs.samples.map((s) => [s.labels.type, s.value]));
  expect(byType).toMatchObject({ CALL: 5, ACK: 5, RES: 5, NACK: 0, PUB: 0 });
  expect(families.get('juggler_connections_total')!.samples[0]!.value).toBe(1);
  expect(families.get('juggler_connections_active')).toMatchObject({ type: 'gauge', samples: [{ value: 0 }] });
  expect(families.get('juggler_msgs_read_total')!.samples[0]!.value).toBe(5);
  expect(families.get('juggler_msgs_written_total')!.samples[0]!.value).toBe(10);
  expect(families.get('juggler_broker_calls_total')!.samples[0]!.value).toBe(5);
  expect(families.get('process_resident_memory_bytes')!.samples[0]!.value).toBeGreaterThan(0);

  // only GET and HEAD; the websocket path still says how to connect
  expect((await fetch(`${http}/metrics`, { method: 'POST' })).status).toBe(405);
  expect((await fetch(`${http}/ws`)).status).toBe(426);
});

test('--no-debug-endpoints turns /debug/vars and /metrics off (404), and calls still work', async () => {
  const { ws, http } = await server(['--no-debug-endpoints']);
  start(['callee', '--redis', redisUrl, '--demo', '--quiet']);
  expect((await fetch(`${http}/debug/vars`)).status).toBe(404);
  expect((await fetch(`${http}/metrics`)).status).toBe(404);
  await calls(ws, 1, 1);
});
