// User callees against a real redis: handlers saved, called, edited, killed, stopped and reloaded.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, inject, test, vi } from 'vitest';
import { RawPeer, startStack } from '../../../test/stack';
import { RedisBroker } from '../broker/redis/broker';
import { callKey, resultKey } from '../broker/redis/keys';
import { RawJson } from '../message';
import type { UserCalleeLimits } from './limits';
import { type UserCalleeInvocation, type UserCalleeLog, UserCallees } from './user-callees';

const url = inject('redisUrl');
let broker: RedisBroker;
let raw: Redis;
const dirs: string[] = [];
const opened: UserCallees[] = [];

beforeAll(async () => {
  broker = await RedisBroker.connect({ url });
  raw = new Redis(url);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await broker.close();
  raw.disconnect();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const uniq = (p: string) => `pg.${p}.${crypto.randomUUID().slice(0, 8)}`;

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'user-callees-'));
  dirs.push(d);
  return d;
}

interface Opened {
  pg: UserCallees;
  dataDir: string;
  invocations: UserCalleeInvocation[];
  logs: UserCalleeLog[];
}

async function open(limits: Partial<UserCalleeLimits> = {}, dataDir?: string): Promise<Opened> {
  const dir = dataDir ?? (await tempDir());
  const invocations: UserCalleeInvocation[] = [];
  const logs: UserCalleeLog[] = [];
  const pg = await UserCallees.open({
    broker,
    dataDir: dir,
    limits,
    onInvocation: (i) => invocations.push(i),
    onLog: (l) => logs.push(l),
  });
  opened.push(pg);
  return { pg, dataDir: dir, invocations, logs };
}

async function push(uri: string, args: unknown, ttlMs = 3000) {
  const cp = { conn_uuid: crypto.randomUUID(), msg_uuid: crypto.randomUUID(), uri, args: new RawJson(JSON.stringify(args)) };
  await broker.call(cp, ttlMs);
  return cp;
}

/** The result stored for a call (its args), or undefined when none arrived in time. */
async function result(cp: { conn_uuid: string }, timeoutS = 3): Promise<unknown> {
  const r = await raw.brpop(resultKey(cp.conn_uuid), timeoutS);
  return r ? JSON.parse(r[1]).args : undefined;
}

async function call(uri: string, args: unknown, ttlMs = 3000): Promise<unknown> {
  return result(await push(uri, args, ttlMs), Math.ceil(ttlMs / 1000) + 1);
}

test('a saved JS handler answers a CALL through a real server', async () => {
  const stack = await startStack({ redis: { url }, callee: false });
  try {
    const { pg } = await open();
    const uri = uniq('add');
    const saved = await pg.save(uri, 'export default (args) => args.a + args.b;', 'js');
    expect(saved).toEqual({ ok: true, uri, version: 1, warnings: [] });
    const peer = await RawPeer.connect(stack.url);
    const uuid = crypto.randomUUID();
    peer.send({ meta: { type: 1, uuid }, payload: { uri, timeout: 2e9, args: { a: 2, b: 40 } } });
    expect((await peer.forType(9, uuid)).payload).toMatchObject({ for: uuid, uri, args: 42 });
    peer.close();
  } finally {
    await stack.close();
  }
});

test('a TypeScript handler with types, async and module.exports-style ctx use', async () => {
  const { pg } = await open();
  const uri = uniq('ts');
  const source = [
    'interface Args { name: string; times: number }',
    'type Ctx = { uri: string; msgUUID: string; ttlMs: number };',
    'const greet = (n: string): string => "hello " + n;',
    'export default async function (args: Args, ctx: Ctx): Promise<{ text: string; uri: string; hasTime: boolean }> {',
    '  await new Promise<void>((r) => setTimeout(r, 1));',
    '  return { text: greet(args.name).repeat(args.times), uri: ctx.uri, hasTime: ctx.ttlMs > 0 && typeof ctx.msgUUID === "string" };',
    '}',
  ].join('\n');
  expect(await pg.save(uri, source, 'ts')).toMatchObject({ ok: true, version: 1 });
  expect(await call(uri, { name: 'ts', times: 2 })).toEqual({ text: 'hello tshello ts', uri, hasTime: true });

  const cjs = uniq('cjs');
  expect(
    await pg.save(
      cjs,
      'const { createHash } = require("node:crypto");\nmodule.exports = (s) => createHash("sha1").update(s).digest("hex").slice(0, 8);',
      'js',
    ),
  ).toMatchObject({ ok: true });
  expect(await call(cjs, 'abc')).toBe('a9993e36');
});

test('an edited handler serves the next call; calls queued while swapping are all answered', async () => {
  const { pg, invocations } = await open({ concurrency: 2, prefetch: 2 });
  const uri = uniq('swap');
  await pg.save(uri, 'export default async (n) => { await new Promise((r) => setTimeout(r, 40)); return ["v1", n]; };', 'js');
  expect(await call(uri, 0)).toEqual(['v1', 0]);

  const cps = await Promise.all(Array.from({ length: 20 }, (_, i) => push(uri, i + 1, 10_000)));
  // swap while the queue is being worked through (20 calls × 40 ms over 2 workers, 4 popped at a time)
  await vi.waitFor(() => expect(invocations.length).toBeGreaterThanOrEqual(4), { interval: 2 });
  const saved = await pg.save(uri, 'export default (n) => ["v2", n];', 'js');
  expect(saved).toMatchObject({ ok: true, version: 2 });
  const results = (await Promise.all(cps.map((cp) => result(cp, 5)))) as [string, number][];
  expect(results.map((r) => r[1])).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const versions = results.map((r) => r[0]);
  expect(versions).toContain('v1');
  expect(versions).toContain('v2');
  // once v2 answered, no later-popped call went back to v1 (the lists are FIFO)
  expect(versions.slice(versions.indexOf('v2')).every((v) => v === 'v2')).toBe(true);
  expect(await call(uri, 99)).toEqual(['v2', 99]);
  // the callee reports an invocation just after it stored the result
  await vi.waitFor(() => expect(invocations).toHaveLength(22));
  expect(pg.list()[0]).toMatchObject({ uri, version: 2, running: true, metrics: { invocations: 22, errors: 0, killed: 0 } });
});

test('a syntax error is reported with line and column, and the previous version keeps serving', async () => {
  const { pg } = await open();
  const uri = uniq('syntax');
  await pg.save(uri, 'export default () => "good";', 'js');
  const bad = await pg.save(uri, 'const x = 1;\nexport default (a) => {\n  return a +;\n};', 'js');
  expect(bad).toMatchObject({ ok: false, code: 'COMPILE_ERROR', servingVersion: 1 });
  if (bad.ok) throw new Error('unreachable');
  expect(bad.diagnostics[0]).toMatchObject({ line: 3, column: 13, lineText: '  return a +;' });
  expect(bad.diagnostics[0]?.message).toMatch(/Unexpected ";"/);

  const badTs = await pg.save(uri, 'export default (a: number): number => {\n  const y: = 2;\n  return a;\n};', 'ts');
  expect(badTs).toMatchObject({ ok: false, code: 'COMPILE_ERROR', diagnostics: [{ line: 2 }] });

  // a module body that throws, or exports no function, fails at load, with the user's line
  const throws = await pg.save(uri, '// a comment\n\nconst config = JSON.parse("{oops");\nexport default () => config;', 'js');
  expect(throws).toMatchObject({ ok: false, code: 'LOAD_ERROR', diagnostics: [{ line: 3, message: expect.stringMatching(/JSON/) }] });
  const noFn = await pg.save(uri, 'export const x = 1;', 'js');
  expect(noFn).toMatchObject({
    ok: false,
    code: 'LOAD_ERROR',
    diagnostics: [{ message: expect.stringMatching(/must export a function/) }],
  });

  expect(await call(uri, null)).toBe('good');
  expect(pg.list()[0]).toMatchObject({ version: 1, source: 'export default () => "good";' });
});

test('an endless loop is killed after its time limit; other calls are answered meanwhile; the next call works', async () => {
  const { pg, invocations } = await open({ maxCallMs: 300, concurrency: 2 });
  const uri = uniq('loop');
  await pg.save(uri, 'export default (a) => { if (a === "loop") { while (true) {} } return "fine " + a; };', 'js');
  const t0 = performance.now();
  const loop = await push(uri, 'loop');
  const others = await Promise.all([1, 2, 3].map((i) => push(uri, i)));
  expect(await Promise.all(others.map((cp) => result(cp)))).toEqual(['fine 1', 'fine 2', 'fine 3']);
  expect(performance.now() - t0).toBeLessThan(250); // answered by the other worker, before the kill
  const killed = (await result(loop)) as { error: { message: string } };
  expect(killed.error.message).toMatch(/killed after \d+ ms: it ran past its time limit of 300 ms/);
  expect(await call(uri, 'after')).toBe('fine after');
  await vi.waitFor(() => expect(invocations.find((i) => i.outcome === 'killed')).toMatchObject({ killReason: 'time', version: 1 }));
  expect(pg.list()[0]?.metrics).toMatchObject({ killed: 1, errors: 0 });

  // the default limit is the call's own remaining time: a short TTL kills sooner than maxCallMs
  const short = await push(uri, 'loop', 150);
  expect(((await result(short)) as { error: { message: string } }).error.message).toMatch(/time limit of 1\d\d ms/);
});

test('a memory hog is killed and its worker replaced', async () => {
  const { pg, invocations } = await open({ maxOldGenerationSizeMb: 24, maxCallMs: 5000 });
  const uri = uniq('hog');
  await pg.save(
    uri,
    'const keep = [];\nexport default (a) => { if (a === "hog") for (;;) keep.push(new Array(1e5).fill(keep.length)); return "ok"; };',
    'js',
  );
  const r = (await call(uri, 'hog', 8000)) as { error: { message: string } };
  expect(r.error.message).toMatch(/killed after \d+ ms: it ran out of memory \(limits.maxOldGenerationSizeMb = 24 MB\)/);
  expect(await call(uri, 'small')).toBe('ok');
  await vi.waitFor(() => expect(invocations.find((i) => i.outcome === 'killed')).toMatchObject({ killReason: 'memory' }));
});

test('a thrown error becomes an error result; its stack points at the user source', async () => {
  const { pg, invocations } = await open();
  const uri = uniq('throw');
  const source = [
    'interface In { n: number }',
    '',
    'export default (a: In) => {',
    '  if (a.n < 0) throw new RangeError("negative: " + a.n);',
    '  if (a.n === 0) throw { error: { message: "zero", code: 7 } };',
    '  if (a.n === 1) { const e = new Error("coded"); (e as any).toJSON = () => ({ error: { message: "coded", code: 1 } }); throw e; }',
    '  return a.n;',
    '};',
  ].join('\n');
  await pg.save(uri, source, 'ts');
  expect(await call(uri, { n: -1 })).toEqual({ error: { message: 'negative: -1' } });
  expect(await call(uri, { n: 1 })).toEqual({ error: { message: 'coded', code: 1 } });
  expect(await call(uri, { n: 0 })).toEqual({ error: { message: '{"error":{"message":"zero","code":7}}' } });
  expect(await call(uri, { n: 5 })).toBe(5);
  await vi.waitFor(() => expect(invocations).toHaveLength(4));
  expect(invocations[0]).toMatchObject({ outcome: 'error', error: 'negative: -1', stack: expect.stringContaining(`${uri}.ts:4:`) });
  expect(pg.list()[0]?.metrics).toMatchObject({ invocations: 4, errors: 3, killed: 0 });
});

test('console output is captured with the URI, version and call', async () => {
  const { pg, logs } = await open();
  const uri = uniq('log');
  await pg.save(
    uri,
    'console.log("loading");\nexport default (a) => { console.log("got %s", a, { n: 1 }); console.error("bad"); process.stdout.write("raw\\n"); return a; };',
    'js',
  );
  const cp = await push(uri, 'x');
  expect(await result(cp)).toBe('x');
  await vi.waitFor(() => expect(logs.map((l) => l.text)).toEqual(expect.arrayContaining(['loading', 'got x { n: 1 }', 'bad', 'raw'])));
  expect(logs.find((l) => l.text === 'got x { n: 1 }')).toMatchObject({ uri, version: 1, level: 'info', msgUUID: cp.msg_uuid });
  expect(logs.find((l) => l.text === 'bad')).toMatchObject({ level: 'error' });
});

test('require is limited to an allowlist, and says what is refused', async () => {
  const { pg } = await open();
  const uri = uniq('req');
  const r = await pg.save(uri, 'const fs = require("fs");\nexport default () => fs.readdirSync("/");', 'js');
  expect(r).toMatchObject({
    ok: false,
    code: 'LOAD_ERROR',
    diagnostics: [{ line: 1, message: expect.stringMatching(/require\('fs'\) is refused.*node:crypto/) }],
  });
  const imp = await pg.save(uri, 'import { execSync } from "node:child_process";\nexport default () => String(execSync("id"));', 'js');
  expect(imp).toMatchObject({ ok: false, code: 'LOAD_ERROR' });
  expect(await pg.save(uri, 'import { format } from "node:util";\nexport default (a) => format("%d!", a);', 'js')).toMatchObject({
    ok: true,
    version: 1,
  });
  expect(await call(uri, 3)).toBe('3!');
});

test('stop leaves calls waiting in redis; start answers them', async () => {
  const { pg } = await open();
  const uri = uniq('stop');
  await pg.save(uri, 'export default (a) => a * 2;', 'js');
  expect(await call(uri, 1)).toBe(2);
  await pg.stop(uri);
  expect(pg.list()[0]).toMatchObject({ running: false, stopped: true });
  const cps = await Promise.all([1, 2, 3, 4, 5].map((n) => push(uri, n, 5000)));
  await new Promise((r) => setTimeout(r, 100));
  expect(await raw.llen(callKey(uri))).toBe(5);
  await pg.start(uri);
  expect(await Promise.all(cps.map((cp) => result(cp)))).toEqual([2, 4, 6, 8, 10]);
  expect(await raw.llen(callKey(uri))).toBe(0);
});

test('user callees opened again on the same dataDir loads the handlers, stopped ones stay stopped', async () => {
  const first = await open();
  const a = uniq('persist-a');
  const b = uniq('persist-b');
  await first.pg.save(a, 'export default () => "a1";', 'js');
  await first.pg.save(a, 'export default (): string => "a2";', 'ts');
  await first.pg.save(b, 'module.exports = () => "b";', 'js');
  // a call first: stopping a callee whose redis connection is still being set up takes ~2 s (ListPopper)
  expect(await call(b, null)).toBe('b');
  await first.pg.stop(b);
  await first.pg.close();
  expect((await readdir(join(first.dataDir, 'callees'))).sort()).toEqual([`${a}.json`, `${b}.json`].sort());

  const second = await open({}, first.dataDir);
  expect(second.pg.list()).toMatchObject([
    { uri: a, version: 2, language: 'ts', source: 'export default (): string => "a2";', running: true, stopped: false },
    { uri: b, version: 1, language: 'js', running: false, stopped: true },
  ]);
  expect(await call(a, null)).toBe('a2');
  const queued = await push(b, null);
  await second.pg.start(b);
  expect(await result(queued)).toBe('b');
});

test('remove stops serving a URI and deletes its file; unknown URIs and bad input are typed errors', async () => {
  const { pg, dataDir } = await open();
  const uri = uniq('rm');
  await pg.save(uri, 'export default () => 1;', 'js');
  expect(await call(uri, null)).toBe(1);
  await pg.remove(uri);
  expect(pg.list()).toEqual([]);
  expect(await readdir(join(dataDir, 'callees'))).toEqual([]);
  await push(uri, null, 1000);
  await new Promise((r) => setTimeout(r, 100));
  expect(await raw.llen(callKey(uri))).toBe(1);
  await raw.del(callKey(uri));
  await expect(pg.stop(uri)).rejects.toMatchObject({ code: 'UNKNOWN_URI' });
  await expect(pg.save('', 'x', 'js')).rejects.toMatchObject({ code: 'INVALID_URI' });
  await expect(pg.save('a\nb', 'x', 'js')).rejects.toMatchObject({ code: 'INVALID_URI' });
  await expect(pg.save(uri, 'x', 'py' as 'js')).rejects.toMatchObject({ code: 'INVALID_LANGUAGE' });
  await pg.close();
  await expect(pg.save(uri, 'x', 'js')).rejects.toMatchObject({ code: 'CLOSED' });
});
