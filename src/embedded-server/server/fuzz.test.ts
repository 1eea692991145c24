// Fuzzing the juggler.0 server from a fixed seed: frames recorded from the Go server, mutated byte by byte
// and field by field, invalid UUIDs, deep nesting, huge values, binary frames, invalid UTF-8, and frames
// no websocket library would send (fragments, oversized or fragmented control frames, reserved bits,
// unknown opcodes, unmasked frames, lying length headers), and pipelined request floods, written on a bare TCP socket. Every case must
// end with that one connection closed with a close code and a reason, or with its requests answered
// (ACK/NACK) and a probe request after them ACKed; a control client is served after every batch, and the
// heap returns near its baseline once the connections are gone.
// Reproduce one seed: FUZZ_SEED=7 FUZZ_CASES=5000 npx vitest run src/embedded-server/server/fuzz.test.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { buildFrame, Opcode, RawWebSocket } from '../../../test/raw-ws';
import { type Stack, startStack } from '../../../test/stack';
import { SeededRandom } from '../../shared/json-patch/seeded-random';
import type { JugglerClient } from '../client/client';
import { connect } from '../client/node';

const SEED = Number(process.env.FUZZ_SEED ?? 20240607);
const CASES = Number(process.env.FUZZ_CASES ?? 2500);
const BATCH = 250;
const CONCURRENCY = 16;
const READ_LIMIT = 64 * 1024;
/** The close codes a refused frame may earn (protocol error, unsupported data, invalid payload, policy, too big). */
const REFUSAL_CODES = [1002, 1003, 1007, 1008, 1009];

// the heap is compared after collections; --expose-gc cannot be passed to Vitest's forks here, so the
// flag is set at run time and gc() taken from a fresh context, where V8 then installs it
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const redisUrl = inject('redisUrl');
const run = `fuzz.${process.pid}.${Date.now()}`;
let stack: Stack;
let port: number;
let control: JugglerClient;

type RecordedFrames = { dir: 'in' | 'out'; text: string; binary?: boolean }[];
/** One scenario; the two-connection one keeps its frames per side. */
interface Recording {
  scenario: string;
  frames?: RecordedFrames;
  subscriber?: { frames: RecordedFrames };
  publisher?: { frames: RecordedFrames };
}
const recorded = (JSON.parse(readFileSync(join(__dirname, '../../../../shared/conformance/go-frames.json'), 'utf8')) as Recording[])
  .flatMap((s) => [...(s.frames ?? []), ...(s.subscriber?.frames ?? []), ...(s.publisher?.frames ?? [])])
  .filter((f) => f.dir === 'out' && !f.binary)
  .map((f) => f.text);

beforeAll(async () => {
  // test.delay is left out on purpose: a fuzzed delay could hold every worker and starve the control calls
  stack = await startStack({
    redis: { url: redisUrl },
    server: { readLimit: READ_LIMIT },
    callee: { 'test.echo': (a) => a, 'test.reverse': (a) => (typeof a === 'string' ? [...a].reverse().join('') : a) },
  });
  port = Number(new URL(stack.url).port);
  control = await connect(stack.url, { callTimeoutMs: 5000 });
});
afterAll(async () => {
  await control?.close();
  await stack?.close();
});

type Action = (ws: RawWebSocket) => void;
interface Case {
  kind: string;
  act: Action;
}

const uuid = (): string => crypto.randomUUID();
const frame = (type: number, payload: unknown, id = uuid()) => JSON.stringify({ meta: { type, uuid: id }, payload });
const call = (args: unknown) => frame(1, { uri: 'test.echo', timeout: 2e9, args });
const text =
  (s: string | Buffer): Action =>
  (ws) =>
    ws.send({ opcode: Opcode.text, payload: s });

const HOSTILE: (() => unknown)[] = [
  () => null,
  () => true,
  () => -1,
  () => 0,
  () => 1.5,
  () => 1e308,
  () => -1e308,
  () => 2 ** 53 + 2,
  () => '',
  () => 'x'.repeat(10_000),
  () => '\u0000\ud800\uffff',
  () => [],
  () => ({}),
  () => ({ __proto__: { polluted: true }, constructor: { prototype: 1 } }),
  () => 'CALL',
  () => 'juggler:calls:{x}',
  // a URI that would split its keys across cluster slots (refused with 400 on a cluster)
  () => '}x',
  () => '00000000-0000-0000-0000-00000000000g',
  () => [[[[[[[[[[1]]]]]]]]]],
];

// (upper-case hex is accepted on purpose, as Go's parser does, so it is not among these)
const BAD_UUIDS = [
  '',
  'not-a-uuid',
  'a3bb189e8bf938889912ace4e6543002',
  'a3bb189e-8bf9-3888-9912-ace4e654300',
  'a3bb189e-8bf9-3888-9912-ace4e65430022',
  'a3bb189e-8bf9-3888-9912-ace4e654300z',
  ' a3bb189e-8bf9-3888-9912-ace4e6543002',
  'ａ3bb189e-8bf9-3888-9912-ace4e6543002',
  '{a3bb189e-8bf9-3888-9912-ace4e6543002}',
];

function mutateBytes(r: SeededRandom, s: string): string {
  let out = s;
  for (let n = 1 + r.int(4); n > 0; n--) {
    const i = r.int(out.length + 1);
    switch (r.int(5)) {
      case 0:
        out = out.slice(0, i) + out.slice(i + 1 + r.int(8));
        break;
      case 1:
        out =
          out.slice(0, i) +
          r.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '0', '-', 'e', 'null', '\u2028', '😀', '\ud800']) +
          out.slice(i);
        break;
      case 2:
        out = out.slice(0, i);
        break;
      case 3:
        out = out.slice(0, i) + out.slice(r.int(out.length)) + out.slice(i);
        break;
      default:
        out = out.slice(0, i) + String.fromCharCode(r.int(0x80)) + out.slice(i + 1);
    }
  }
  return out;
}

function mutateField(r: SeededRandom, s: string): string {
  const parsed = JSON.parse(s) as { meta?: unknown; payload?: unknown };
  const obj = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  // some recordings are already malformed (no meta, a string type): give them objects to mutate
  const msg = { ...obj(parsed), meta: obj(parsed?.meta), payload: obj(parsed?.payload) };
  for (let n = 1 + r.int(2); n > 0; n--) {
    const [obj, keys] =
      r.next() < 0.4 ? [msg.meta, ['type', 'uuid', 'extra']] : [msg.payload, ['uri', 'timeout', 'args', 'channel', 'pattern', 'for']];
    const key = r.pick(keys);
    if (r.next() < 0.2) delete obj[key];
    else obj[key] = r.pick(HOSTILE)();
  }
  if (r.next() < 0.1) return JSON.stringify(r.next() < 0.5 ? msg.payload : [msg]);
  return JSON.stringify(msg);
}

function deep(n: number, open: string, close: string, inner = '1'): string {
  return open.repeat(n) + inner + close.repeat(n);
}

function randomBytes(r: SeededRandom, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

function makeCase(r: SeededRandom, i: number): Case {
  const k = r.int(100);
  if (k < 30) return { kind: 'mutated-bytes', act: text(mutateBytes(r, r.pick(recorded))) };
  if (k < 55) {
    let base = r.pick(recorded);
    try {
      JSON.parse(base);
    } catch {
      base = call(1);
    }
    return { kind: 'mutated-field', act: text(mutateField(r, base)) };
  }
  if (k < 60)
    return { kind: 'bad-uuid', act: text(frame(r.pick([1, 2, 3, 4]), { uri: 'test.echo', channel: 'c', args: 1 }, r.pick(BAD_UUIDS))) };
  if (k < 63) {
    const forms = [
      () => '['.repeat(10_000),
      () => deep(10_000, '[', ']'),
      () => deep(10_000, '{"a":', '}'),
      // spliced as text: JSON.stringify itself overflows the stack at this depth
      () => call('@').replace('"@"', deep(10_000, '[', ']')),
      () => frame(2, { channel: `${run}.deep`, args: '@' }).replace('"@"', deep(10_000, '{"a":', '}')),
    ];
    return { kind: 'deep-nesting', act: text(r.pick(forms)()) };
  }
  if (k < 66) {
    const size = r.pick([READ_LIMIT - 200, READ_LIMIT + 1, READ_LIMIT * 4]);
    return { kind: 'huge', act: text(call('x'.repeat(size))) };
  }
  if (k < 70)
    return {
      kind: 'binary',
      act: (ws) => ws.send({ opcode: Opcode.binary, payload: r.next() < 0.5 ? randomBytes(r, 1 + r.int(64)) : call(1) }),
    };
  if (k < 73)
    return {
      kind: 'invalid-utf8',
      act: text(Buffer.concat([Buffer.from('{"meta":'), randomBytes(r, 4), Buffer.from([0xff, 0xfe, 0xc3])])),
    };
  if (k < 78) {
    // a valid request in several fragments, maybe with a ping between them: must be answered
    const whole = Buffer.from(frame(3, { channel: `${run}.frag`, pattern: false }));
    const parts = 2 + r.int(5);
    const ping = r.next() < 0.5;
    return {
      kind: 'fragmented',
      act: (ws) => {
        const step = Math.ceil(whole.length / parts);
        for (let p = 0; p * step < whole.length; p++) {
          const last = (p + 1) * step >= whole.length;
          ws.send({ opcode: p === 0 ? Opcode.text : Opcode.continuation, fin: last, payload: whole.subarray(p * step, (p + 1) * step) });
          if (ping && p === 0) ws.send({ opcode: Opcode.ping, payload: 'mid' });
        }
      },
    };
  }
  if (k < 96) {
    const bad: [string, Action][] = [
      ['unfinished-fragment', (ws) => ws.send({ opcode: Opcode.text, fin: false, payload: '{"meta":' })],
      ['continuation-first', (ws) => ws.send({ opcode: Opcode.continuation, payload: call(1) })],
      ['control-too-big', (ws) => ws.send({ opcode: Opcode.ping, payload: Buffer.alloc(126 + r.int(200)) })],
      ['control-fragmented', (ws) => ws.send({ opcode: Opcode.ping, fin: false, payload: 'x' })],
      ['rsv-bits', (ws) => ws.send({ opcode: Opcode.text, rsv: 1 + r.int(7), payload: call(1) })],
      ['bad-opcode', (ws) => ws.send({ opcode: r.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: call(1) })],
      ['unmasked', (ws) => ws.send({ opcode: Opcode.text, mask: false, payload: call(1) })],
      [
        'length-lie',
        (ws) =>
          ws.send({ opcode: Opcode.text, payload: 'x', lengthOverride: r.pick([2n ** 40n, 2n ** 63n + 5n, BigInt(READ_LIMIT) * 2n]) }),
      ],
      ['close-bad-code', (ws) => ws.send({ opcode: Opcode.close, payload: Buffer.from([0x03, 0xe7, 0x41]) })],
      ['garbage-bytes', (ws) => ws.write(randomBytes(r, 2 + r.int(32)))],
    ];
    const [kind, act] = r.pick(bad);
    return { kind, act };
  }
  if (k < 97) {
    // pipelined PUBs of 1 KB, far past the read-queue limit: reading that socket pauses until they are
    // answered (ReadPauses), then the probe after them is answered too
    return {
      kind: 'pub-flood',
      act: (ws) => {
        const filler = 'x'.repeat(1000);
        const frames = Array.from({ length: 600 }, () =>
          buildFrame({ opcode: Opcode.text, payload: frame(2, { channel: `${run}.pubflood`, args: filler }) }),
        );
        ws.write(Buffer.concat(frames));
      },
    };
  }
  if (k < 98) {
    // a flood of SUBs on one connection: every one ACKed, and all undone when it closes
    return {
      kind: 'sub-flood',
      act: (ws) => {
        const frames = Array.from({ length: 300 }, (_, j) => frame(3, { channel: `${run}.flood.${i}.${j}`, pattern: j % 7 === 0 }));
        for (const f of frames) ws.send({ opcode: Opcode.text, payload: f });
      },
    };
  }
  return { kind: 'random-json', act: text(JSON.stringify(r.value(4))) };
}

interface Outcome {
  kind: string;
  result: string;
}

/** Runs one case on its own connection; rejects when it ends in a way the server must never cause. */
async function runCase(c: Case): Promise<Outcome> {
  const ws = await RawWebSocket.open(port, '/ws', { 'Sec-WebSocket-Protocol': 'juggler.0' });
  try {
    c.act(ws);
    const probe = uuid();
    ws.text(frame(3, { channel: `${run}.probe`, pattern: false }, probe));
    const probed = () => ws.messages.some((m) => m.includes(probe) && m.includes('"type":8'));
    const done = await ws.waitUntil(() => ws.closeFrame !== undefined || ws.isEnded || probed(), 10_000);
    if (!done) throw new Error(`${c.kind}: no close, no answer to the probe within 10 s`);
    if (ws.closeFrame) {
      const { code, reason } = ws.closeFrame;
      if (!REFUSAL_CODES.includes(code) || reason === '') throw new Error(`${c.kind}: closed with ${code} "${reason}"`);
      return { kind: c.kind, result: `closed ${code}` };
    }
    if (!probed()) throw new Error(`${c.kind}: the connection was dropped without a close frame`);
    const types = ws.messages.map((m) => (JSON.parse(m) as { meta: { type: number } }).meta.type);
    if (types.some((t) => ![7, 8, 9, 10].includes(t))) throw new Error(`${c.kind}: unexpected frames ${ws.messages.join(' ')}`);
    return { kind: c.kind, result: types.includes(7) ? 'nack' : 'ack' };
  } finally {
    ws.destroy();
  }
}

async function runBatch(r: SeededRandom, from: number, count: number, tally: Map<string, number>): Promise<void> {
  const cases = Array.from({ length: count }, (_, j) => makeCase(r, from + j));
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        try {
          const o = await runCase(c);
          const key = `${o.kind}: ${o.result}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }),
  );
  expect(failures).toEqual([]);
}

async function settle(): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (stack.server.connections.size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  return process.memoryUsage().heapUsed;
}

test(`${CASES} fuzzed cases: each closes only its connection with a code and a reason, or is answered; others are served throughout`, async () => {
  const r = new SeededRandom(SEED);
  const tally = new Map<string, number>();
  // one batch first, so that lazily built code and pools are in the baseline
  await runBatch(r, 0, BATCH, tally);
  expect(await control.call('test.echo', 'warm')).toBe('warm');
  const baseline = await settle();
  const t0 = performance.now();
  let done = BATCH;
  while (done < CASES) {
    const n = Math.min(BATCH, CASES - done);
    await runBatch(r, done, n, tally);
    done += n;
    // the server keeps serving everyone else
    expect(await control.call('test.echo', done)).toBe(done);
  }
  const ms = performance.now() - t0;
  const after = await settle();
  const growthMB = (after - baseline) / 2 ** 20;
  const lines = [...tally.entries()].sort().map(([k, v]) => `  ${k}: ${v}`);
  console.log(
    `juggler server fuzz: ${done} cases from seed ${SEED} (the first ${BATCH} as warm-up), the rest in ${(ms / 1000).toFixed(1)} s; ` +
      `heap ${(baseline / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MB after gc\n${lines.join('\n')}\n` +
      `reproduce: FUZZ_SEED=${SEED} FUZZ_CASES=${CASES} npx vitest run src/embedded-server/server/fuzz.test.ts`,
  );
  expect(stack.server.connections.size).toBe(1);
  // the request floods were held back at the read-queue limit, and none is left queued
  if (tally.get('pub-flood: ack')) expect(stack.server.metrics.ReadPauses).toBeGreaterThan(0);
  expect(stack.server.metrics.QueuedRequests).toBe(0);
  // generous: the heap is shared with the test's own sockets and vitest; a leak per case would be far more
  expect(growthMB).toBeLessThan(24);

  // the floods' subscriptions were all undone in redis when their connections closed
  const admin = new Redis(redisUrl);
  try {
    const deadline = Date.now() + 5000;
    let left: string[] = [];
    do {
      left = (await admin.pubsub('CHANNELS', `${run}.flood.*`)) as string[];
      if (left.length === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    } while (Date.now() < deadline);
    expect(left).toEqual([]);
  } finally {
    admin.disconnect();
  }
}, 120_000);
