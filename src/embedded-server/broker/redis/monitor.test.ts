// Compares the redis commands our server and callee send for a call and a publication with the
// Go implementation's MONITOR recording (../shared/conformance/go-redis-monitor.txt): same scripts
// (by SHA), same keys, same payloads, same order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RedisProcess, startRedis } from '../../../../test/redis-server';
import { RawPeer, type Stack, startStack } from '../../../../test/stack';

const monitorFile = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'conformance', 'go-redis-monitor.txt');
const framesFile = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'conformance', 'go-frames.json');

let redis: RedisProcess;
let stack: Stack;
let mon: Redis;
const seen: string[][] = [];

beforeAll(async () => {
  redis = await startRedis();
  // MONITOR first: started while the stack's connections are busy, ioredis can mistake a monitor line
  // for a command reply ("Command queue state error")
  mon = new Redis(redis.url);
  const m = await mon.monitor();
  // command names are case-insensitive: ioredis writes them in lower case, redigo in upper case
  m.on('monitor', (_time: string, args: string[]) => seen.push([args[0]!.toUpperCase(), ...args.slice(1)]));
  stack = await startStack({ redis: { url: redis.url } });
});
afterAll(async () => {
  mon?.disconnect();
  await stack?.close();
  await redis?.stop();
});

/** Parses a MONITOR line's quoted arguments. */
function monitorArgs(line: string): { lua: boolean; args: string[] } {
  const lua = line.includes('[0 lua]');
  const body = line.slice(line.indexOf('] ') + 2);
  const args = [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(
    (m) => JSON.parse(`"${m[1]!.replace(/\\x([0-9a-f]{2})/g, '\\u00$1')}"`) as string,
  );
  return { lua, args };
}

/** Replaces uuids by their order of appearance and TTL numbers by T, so that two runs compare. */
function normalize(cmds: string[][]): string[] {
  const ids = new Map<string, string>();
  return cmds.map((args) =>
    args
      .map((a, i) => {
        let s = a.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
          if (!ids.has(u)) ids.set(u, `U${ids.size}`);
          return ids.get(u)!;
        });
        // TTLs (ms left) differ by a millisecond or two between runs
        if (/^\d+$/.test(s) && Number(s) > 100 && ((args[0] === 'EVALSHA' && i >= 3) || (args[0] === 'SET' && i >= 2))) s = 'T';
        return s;
      })
      .join(' '),
  );
}

const relevant = new Set(['EVALSHA', 'SET', 'LPUSH', 'PTTL', 'DEL', 'PUBLISH', 'SUBSCRIBE']);

test('a CALL makes the same redis commands as the Go server and callee', async () => {
  const goLines = readFileSync(monitorFile, 'utf8').split('\n');
  const frames = JSON.parse(readFileSync(framesFile, 'utf8')) as { scenario: string; frames?: { dir: string; text: string }[] }[];
  const goCall = JSON.parse(frames.find((s) => s.scenario === 'call-echo')!.frames![0]!.text);
  const goId: string = goCall.meta.uuid;
  const go = goLines
    .filter((l) => l.includes(goId))
    .map(monitorArgs)
    .filter((c) => relevant.has(c.args[0]!))
    .map((c) => c.args);

  const p = await RawPeer.connect(stack.url);
  // a first call loads the scripts (EVAL after NOSCRIPT, in Go too); the recorded call came after that
  const warm = crypto.randomUUID();
  p.send({ meta: { type: 1, uuid: warm }, payload: { uri: 'test.echo', timeout: 1e9, args: 'warm-up' } });
  await p.forType(9, warm);
  const id = crypto.randomUUID();
  seen.length = 0;
  p.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 1e9, args: 'hello' } });
  await p.forType(9, id);
  await new Promise((r) => setTimeout(r, 100));
  const ours = seen.filter((a) => a.some((x) => x.includes(id)) && relevant.has(a[0]!));
  expect(normalize(ours)).toEqual(normalize(go));
  p.close();
});

test('PUB and SUB make the same redis commands as the Go server', async () => {
  const p = await RawPeer.connect(stack.url);
  seen.length = 0;
  const s = crypto.randomUUID();
  p.send({ meta: { type: 3, uuid: s }, payload: { channel: 'news', pattern: false } });
  await p.forType(8, s);
  const id = crypto.randomUUID();
  p.send({ meta: { type: 2, uuid: id }, payload: { channel: 'news', args: { x: 1 } } });
  await p.forType(10, id);
  const ours = seen.filter((a) => a[0] === 'SUBSCRIBE' || a[0] === 'PUBLISH');
  expect(normalize(ours)).toEqual(['SUBSCRIBE news', 'PUBLISH news {"msg_uuid":"U0","args":{"x":1}}']);
  // the Go recording has the same two commands for this scenario
  const go = readFileSync(monitorFile, 'utf8')
    .split('\n')
    .filter((l) => /"(SUBSCRIBE|PUBLISH)" "news"/.test(l))
    .slice(0, 2)
    .map((l) => monitorArgs(l).args);
  expect(normalize(go)).toEqual(['SUBSCRIBE news', 'PUBLISH news {"msg_uuid":"U0","args":{"x":1}}']);
  p.close();
});
