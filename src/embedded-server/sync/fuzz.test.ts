// Fuzzing the data-sync endpoint (SyncServer) of each generation from a fixed seed: valid messages mutated
// byte by byte and field by field, malformed and hostile patches, unknown types, frames of the other
// generations, bad 0.7 segment headers and unfinished segments, binary frames, invalid UTF-8, deep
// nesting, oversize messages, and websocket frames no library would send (fragments, bad opcodes,
// reserved bits, unmasked frames). Every case must end with that one connection closed with a close
// code and a reason, or with a probe after it answered; a control connection stays served throughout and
// the heap returns near its baseline.
// Reproduce: SYNC_FUZZ_SEED=7 SYNC_FUZZ_CASES=3000 npx vitest run src/embedded-server/sync/fuzz.test.ts
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, test } from 'vitest';
import { Opcode, RawWebSocket } from '../../../test/raw-ws';
import { SeededRandom } from '../../shared/json-patch/seeded-random';
import { GENERATIONS, type Generation } from './generation';
import { SyncServer } from './ws-server';

const SEED = Number(process.env.SYNC_FUZZ_SEED ?? 424242);
const CASES = Number(process.env.SYNC_FUZZ_CASES ?? 1200);
const BATCH = 200;
const CONCURRENCY = 16;
const MAX_MESSAGE = 32 * 1024;
const REFUSAL_CODES = [1002, 1003, 1007, 1008, 1009];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const servers: SyncServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

type Action = (ws: RawWebSocket) => void;
interface Case {
  kind: string;
  act: Action;
}

/** How each generation frames a request (0.6/0.7) or a PING (seed), and recognises the answer. */
interface Dialect {
  wrap(json: string): string;
  probe(id: number): { send: string; answered: (m: string) => boolean };
  templates: string[];
}

const SEED_TEMPLATES = [
  '{"type":"DATA","payload":[{"op":"replace","path":"","value":{"a":[1,2,3],"b":{"c":"d"}}}]}',
  '{"type":"DATA","payload":[{"op":"add","path":"/a","value":1}]}',
  '{"type":"MESSAGE","payload":{"hello":"world"}}',
  '{"type":"PING","payload":{}}',
  '{"type":"PONG","payload":{}}',
];
const V06_TEMPLATES = [
  '{"type":"request","id":1,"name":"echo","data":{"x":[1,2]}}',
  '{"type":"request","id":2,"name":"","data":null}',
  '{"type":"response","id":1,"success":true,"data":null}',
  '{"type":"state","data":{"a":1}}',
  '{"type":"state","diff":[{"op":"add","path":"/a","value":1}]}',
  '{"type":"notify","name":"n","data":1}',
];

const DIALECTS: Record<Generation, Dialect> = {
  seed: {
    wrap: (j) => j,
    probe: () => ({ send: '{"type":"PING","payload":{}}', answered: (m) => m.includes('"PONG"') }),
    templates: SEED_TEMPLATES,
  },
  '0.6': {
    wrap: (j) => j,
    probe: (id) => ({
      send: JSON.stringify({ type: 'request', id, name: 'echo', data: id }),
      answered: (m) => m.includes('"response"') && m.includes(`"id":${id},`),
    }),
    templates: V06_TEMPLATES,
  },
  '0.7': {
    wrap: (j) => `0${j}`,
    probe: (id) => ({
      send: `0${JSON.stringify({ type: 'request', id, name: 'echo', data: id })}`,
      answered: (m) => m.startsWith('0') && m.includes('"response"') && m.includes(`"id":${id},`),
    }),
    templates: V06_TEMPLATES.map((t) => `0${t}`),
  },
};

const HOSTILE: (() => unknown)[] = [
  () => null,
  () => -1,
  () => 1e308,
  () => 2 ** 53 + 2,
  () => '',
  () => '/__proto__/polluted',
  () => '/constructor/prototype/x',
  () => '/a/-/b',
  () => '/~2',
  () => 'x'.repeat(5000),
  () => [],
  () => ({}),
  () => [{ op: 'move', from: '/a', path: '/a/b' }],
  () => [{ op: 'copy', from: '/nope', path: '/x' }],
  () => [{ op: 'test', path: '/a', value: 'no' }],
  () => [{ op: 'frobnicate', path: '/a' }],
  () => [{ op: 'add', path: 'no-slash', value: 1 }],
  () => [{ op: 'remove', path: '' }],
  () => [{ op: 'add', path: '/__proto__/polluted', value: true }],
  () => [{ op: 'replace', path: '/a/999999999', value: 1 }],
  () => [null, 1, 'op'],
  () => 'DATA',
  () => 'request',
];

function mutateBytes(r: SeededRandom, s: string): string {
  let out = s;
  for (let n = 1 + r.int(4); n > 0; n--) {
    const i = r.int(out.length + 1);
    switch (r.int(4)) {
      case 0:
        out = out.slice(0, i) + out.slice(i + 1 + r.int(6));
        break;
      case 1:
        out =
          out.slice(0, i) + r.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '0', '1', '2', '3', '4', 'x', '😀', '\ud800']) + out.slice(i);
        break;
      case 2:
        out = out.slice(0, i);
        break;
      default:
        out = out.slice(0, i) + String.fromCharCode(r.int(0x80)) + out.slice(i + 1);
    }
  }
  return out;
}

function mutateField(r: SeededRandom, json: string): string {
  const msg = JSON.parse(json) as Record<string, unknown>;
  for (let n = 1 + r.int(2); n > 0; n--) {
    const key = r.pick(['type', 'payload', 'id', 'name', 'data', 'diff', 'success', 'extra']);
    if (r.next() < 0.2) delete msg[key];
    else msg[key] = r.pick(HOSTILE)();
  }
  return JSON.stringify(msg);
}

function makeCase(r: SeededRandom, gen: Generation): Case {
  const d = DIALECTS[gen];
  const text =
    (s: string | Buffer): Action =>
    (ws) =>
      ws.send({ opcode: Opcode.text, payload: s });
  const k = r.int(100);
  if (k < 30) return { kind: 'mutated-bytes', act: text(mutateBytes(r, r.pick(d.templates))) };
  if (k < 55) {
    const t = r.pick(gen === 'seed' ? SEED_TEMPLATES : V06_TEMPLATES);
    return { kind: 'mutated-field', act: text(d.wrap(mutateField(r, t))) };
  }
  if (k < 62) {
    const other = r.pick([...SEED_TEMPLATES, ...V06_TEMPLATES, ...V06_TEMPLATES.map((t) => `0${t}`), '1{"type":', '2ping', '3']);
    return { kind: 'other-generation', act: text(other) };
  }
  if (k < 67)
    return { kind: 'unknown-type', act: text(d.wrap(JSON.stringify({ type: r.pick(['data', 'Request', 'STATE', '', 'x']), payload: 1 }))) };
  if (k < 70) {
    const depth = 10_000;
    const forms = [
      () => '['.repeat(depth),
      () =>
        d.wrap(
          `{"type":"${gen === 'seed' ? 'MESSAGE' : 'request'}","id":5,"name":"echo","payload":${'['.repeat(depth)}1${']'.repeat(depth)},"data":1}`,
        ),
      () =>
        d.wrap(
          `{"type":"${gen === 'seed' ? 'DATA' : 'request'}","id":6,"name":"x","data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"payload":[]}`,
        ),
      // the frames of issue 11 that ended whole processes: a ping request (echoed) and a DATA value
      () =>
        d.wrap(
          gen === 'seed'
            ? `{"type":"DATA","payload":[{"op":"replace","path":"","value":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`
            : `{"type":"request","id":7,"name":"","data":${'['.repeat(5000)}1${']'.repeat(5000)}}`,
        ),
    ];
    return { kind: 'deep-nesting', act: text(r.pick(forms)()) };
  }
  if (k < 73) return { kind: 'oversize', act: text(d.wrap(`{"type":"MESSAGE","payload":"${'x'.repeat(MAX_MESSAGE + 10)}"}`)) };
  if (k < 77) return { kind: 'binary', act: (ws) => ws.send({ opcode: Opcode.binary, payload: r.pick(d.templates) }) };
  if (k < 80)
    return { kind: 'invalid-utf8', act: text(Buffer.concat([Buffer.from(d.wrap('{"type":"')), Buffer.from([0xff, 0xc3, 0x28])])) };
  if (k < 88 && gen === '0.7') {
    const forms: [string, Action][] = [
      ['bad-segment-header', text(`${r.pick(['4', '9', 'x', '{', ' ', '\u0000'])}{"type":"request","id":1,"name":"echo","data":null}`)],
      ['empty-frame', text('')],
      ['unfinished-segment', text('1{"type":"request",')],
      [
        'unfinished-deep-segments',
        (ws) => {
          ws.text('1{"type":"request","id":8,');
          ws.text(`1"name":"","data":${'['.repeat(3000)}`);
        },
      ],
      [
        'segments-over-limit',
        (ws) => {
          for (let i = 0; i < 5; i++) ws.send({ opcode: Opcode.text, payload: `1${'x'.repeat(MAX_MESSAGE / 4)}` });
        },
      ],
      [
        'segmented-request',
        (ws) => {
          const whole = JSON.stringify({ type: 'request', id: 77, name: 'echo', data: 'split' });
          const cut = 1 + r.int(whole.length - 1);
          ws.send({ opcode: Opcode.text, payload: `1${whole.slice(0, cut)}` });
          ws.send({ opcode: Opcode.text, payload: `0${whole.slice(cut)}` });
        },
      ],
      ['ping-segment', text(`2${'p'.repeat(r.int(50))}`)],
    ];
    const [kind, act] = r.pick(forms);
    return { kind, act };
  }
  const bad: [string, Action][] = [
    ['unfinished-fragment', (ws) => ws.send({ opcode: Opcode.text, fin: false, payload: '{"type":' })],
    ['continuation-first', (ws) => ws.send({ opcode: Opcode.continuation, payload: r.pick(d.templates) })],
    ['control-too-big', (ws) => ws.send({ opcode: Opcode.ping, payload: Buffer.alloc(200) })],
    ['rsv-bits', (ws) => ws.send({ opcode: Opcode.text, rsv: 1 + r.int(7), payload: r.pick(d.templates) })],
    ['bad-opcode', (ws) => ws.send({ opcode: r.pick([3, 7, 11, 15]), payload: 'x' })],
    ['unmasked', (ws) => ws.send({ opcode: Opcode.text, mask: false, payload: r.pick(d.templates) })],
    ['length-lie', (ws) => ws.send({ opcode: Opcode.text, payload: 'x', lengthOverride: 2n ** 40n })],
    [
      'fragmented-valid',
      (ws) => {
        const t = Buffer.from(r.pick(d.templates));
        ws.send({ opcode: Opcode.text, fin: false, payload: t.subarray(0, 5) });
        ws.send({ opcode: Opcode.ping, payload: 'mid' });
        ws.send({ opcode: Opcode.continuation, payload: t.subarray(5) });
      },
    ],
  ];
  const [kind, act] = r.pick(bad);
  return { kind, act };
}

async function runCase(port: number, gen: Generation, c: Case, id: number): Promise<string> {
  const ws = await RawWebSocket.open(port, '/ws');
  try {
    c.act(ws);
    const probe = DIALECTS[gen].probe(id);
    ws.text(probe.send);
    const probed = () => ws.messages.some(probe.answered);
    const done = await ws.waitUntil(() => ws.closeFrame !== undefined || ws.isEnded || probed(), 10_000);
    if (!done) throw new Error(`${gen} ${c.kind}: no close, no answer to the probe within 10 s`);
    if (ws.closeFrame) {
      const { code, reason } = ws.closeFrame;
      if (!REFUSAL_CODES.includes(code) || reason === '') throw new Error(`${gen} ${c.kind}: closed with ${code} "${reason}"`);
      return `closed ${code}`;
    }
    if (!probed()) throw new Error(`${gen} ${c.kind}: the connection was dropped without a close frame`);
    return 'answered';
  } finally {
    ws.destroy();
  }
}

async function heapAfterGc(server: SyncServer, keep: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (server.connections.size > keep && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  return process.memoryUsage().heapUsed;
}

describe.each(GENERATIONS)('sync %s endpoint', (gen) => {
  test('a frame that breaks the websocket protocol closes with its code and a reason (ws alone gives none)', async () => {
    const server = await SyncServer.listen({ generation: gen, maxMessageSize: MAX_MESSAGE });
    servers.push(server);
    const utf8 = await RawWebSocket.open(server.port, '/ws');
    utf8.send({ opcode: Opcode.text, payload: Buffer.from([0x7b, 0xff, 0xfe]) });
    expect(await utf8.ended).toEqual({ code: 1007, reason: expect.stringMatching(/websocket protocol error: .*UTF-8/) });
    const big = await RawWebSocket.open(server.port, '/ws');
    big.send({ opcode: Opcode.text, payload: 'x', lengthOverride: 2n ** 40n });
    expect(await big.ended).toEqual({ code: 1009, reason: expect.stringMatching(/^MESSAGE_TOO_BIG: .*raise maxMessageSize/) });
  });

  test(`${CASES} fuzzed cases: each closes only its connection with a code and a reason, or is answered`, async () => {
    const server = await SyncServer.listen({
      generation: gen,
      maxMessageSize: MAX_MESSAGE,
      requestHandler: (_c, _name, data) => data,
      syncDelay: 0,
    });
    servers.push(server);
    server.setState({ hello: 'world' });
    // a connection that stays open throughout and is answered after every batch
    const control = await RawWebSocket.open(server.port, '/ws');
    let controlId = 1_000_000;
    const controlServed = async () => {
      const p = DIALECTS[gen].probe(++controlId);
      control.text(p.send);
      expect(await control.waitUntil(() => control.messages.some(p.answered), 5000)).toBe(true);
    };

    const seed = SEED + GENERATIONS.indexOf(gen);
    const r = new SeededRandom(seed);
    const tally = new Map<string, number>();
    const failures: string[] = [];
    let baseline = 0;
    let n = 0;
    const t0 = performance.now();
    while (n < CASES) {
      const cases = Array.from({ length: Math.min(BATCH, CASES - n) }, () => makeCase(r, gen));
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < cases.length) {
            const c = cases[next++]!;
            const id = ++n;
            try {
              const key = `${c.kind}: ${await runCase(server.port, gen, c, id)}`;
              tally.set(key, (tally.get(key) ?? 0) + 1);
            } catch (err) {
              failures.push((err as Error).message);
            }
          }
        }),
      );
      expect(failures.slice(0, 10)).toEqual([]);
      await controlServed();
      // the first batch warms up lazily built code; the heap is compared from there
      if (baseline === 0) baseline = await heapAfterGc(server, 1);
    }
    const ms = performance.now() - t0;
    const after = await heapAfterGc(server, 1);
    expect(server.connections.size).toBe(1);
    control.destroy();
    const lines = [...tally.entries()].sort().map(([k, v]) => `  ${k}: ${v}`);
    console.log(
      `sync ${gen} fuzz: ${n} cases from seed ${seed} in ${(ms / 1000).toFixed(1)} s; ` +
        `heap ${(baseline / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MB after gc\n${lines.join('\n')}`,
    );
    expect((after - baseline) / 2 ** 20).toBeLessThan(24);
  }, 120_000);
});
