import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { RawJson } from '../../message';
import type { Popped } from './broker';
import { RedisBroker } from './broker';
import { callKey, callTimeoutKey, resultKey } from './keys';
import { PUSH_MANY_SCRIPT } from './scripts';

const url = inject('redisUrl');
let broker: RedisBroker;
let raw: Redis;
const readers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  broker = await RedisBroker.connect({ url });
  raw = new Redis(url);
});
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
  await broker.close();
  raw.disconnect();
});

function uuid(): string {
  return crypto.randomUUID();
}

function waitFor<T>(fn: (resolve: (v: T) => void) => void, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    fn((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

describe('calls', () => {
  test("expireCall lets a pending call's TTL lapse: its callee finds it expired; an unknown call gives false", async () => {
    const uri = `t.${uuid()}`;
    const m = uuid();
    await broker.call({ conn_uuid: uuid(), msg_uuid: m, uri, args: new RawJson('1') }, 60_000);
    expect(await broker.expireCall(uri, m)).toBe(true);
    const expired = await waitFor<string>((resolve) => {
      const r = broker.calls([uri], () => 1, { onItem: () => resolve('popped'), onExpired: (p) => resolve(p.msg_uuid) });
      readers.push(r);
    });
    expect(expired).toBe(m);
    expect(await broker.expireCall(uri, uuid())).toBe(false);
  });

  test('a call is pushed with its TTL key in the Go layout and popped with its remaining TTL', async () => {
    const uri = `t.${uuid()}`;
    const m = uuid();
    const c = uuid();
    await broker.call({ conn_uuid: c, msg_uuid: m, uri, args: new RawJson('{"big":12345678901234567890}') }, 1000);
    expect(await raw.lrange(callKey(uri), 0, -1)).toEqual([
      `{"conn_uuid":"${c}","msg_uuid":"${m}","uri":"${uri}","args":{"big":12345678901234567890}}`,
    ]);
    const pttl = await raw.pttl(callTimeoutKey(uri, m));
    expect(pttl).toBeGreaterThan(900);
    expect(pttl).toBeLessThanOrEqual(1000);
    expect(await raw.get(callTimeoutKey(uri, m))).toBe('1000');

    const got = await waitFor<Popped>((resolve) => {
      const r = broker.calls([uri], () => 1, { onItem: (p) => resolve(p) });
      readers.push(r);
    });
    expect(got.payload.msg_uuid).toBe(m);
    expect(got.payload.args.text).toBe('{"big":12345678901234567890}');
    expect(got.ttlMs).toBeGreaterThan(0);
    expect(got.ttlMs).toBeLessThanOrEqual(1000);
    // the timeout key was consumed
    expect(await raw.exists(callTimeoutKey(uri, m))).toBe(0);
  });

  test('an expired call is dropped and counted, never handed over', async () => {
    const uri = `t.${uuid()}`;
    const m = uuid();
    await broker.call({ conn_uuid: uuid(), msg_uuid: m, uri, args: new RawJson('1') }, 20);
    await new Promise((r) => setTimeout(r, 60));
    const before = broker.metrics.ExpiredCalls;
    const expired = await waitFor<string>((resolve) => {
      const r = broker.calls([uri], () => 1, {
        onItem: () => resolve('handed over'),
        onExpired: (p) => resolve(p.msg_uuid),
      });
      readers.push(r);
    });
    expect(expired).toBe(m);
    expect(broker.metrics.ExpiredCalls).toBe(before + 1);
  });

  test('past the call capacity a call is refused and the list is trimmed', async () => {
    const capped = await RedisBroker.connect({ url, callCap: 2 });
    try {
      const uri = `t.${uuid()}`;
      const cp = () => ({ conn_uuid: uuid(), msg_uuid: uuid(), uri, args: new RawJson('null') });
      await capped.call(cp(), 1000);
      await capped.call(cp(), 1000);
      await expect(capped.call(cp(), 1000)).rejects.toMatchObject({ code: 'CAPACITY_EXCEEDED' });
      expect(await raw.llen(callKey(uri))).toBe(2);
    } finally {
      await capped.close();
    }
  });

  test('calls pushed in one turn share a script call: each is stored as alone, and only those past the capacity are refused', async () => {
    const capped = await RedisBroker.connect({ url, callCap: 3 });
    try {
      const uri = `t.${uuid()}`;
      const other = `t.${uuid()}`;
      const ids = Array.from({ length: 5 }, () => uuid());
      // all five in the same tick, to two URIs: three for `uri` fit, the fourth and fifth do not
      const pushes = ids.map((id, i) =>
        capped.call({ conn_uuid: 'c', msg_uuid: id, uri: i === 2 ? other : uri, args: new RawJson(String(i)) }, 2000).then(
          () => 'ok',
          (err: { code: string }) => err.code,
        ),
      );
      expect(await Promise.all(pushes)).toEqual(['ok', 'ok', 'ok', 'ok', 'CAPACITY_EXCEEDED']);
      // they went through the batch script (loaded into redis by its first use)
      expect(await raw.script('EXISTS', createHash('sha1').update(PUSH_MANY_SCRIPT).digest('hex'))).toEqual([1]);
      // LPUSH order (newest first); past the capacity the list is trimmed as Go's script trims it
      expect((await raw.lrange(callKey(uri), 0, -1)).map((p) => JSON.parse(p).args)).toEqual([3, 1, 0]);
      expect(await raw.lrange(callKey(other), 0, -1)).toHaveLength(1);
      for (const id of ids) {
        const ttl = await raw.pttl(callTimeoutKey(id === ids[2] ? other : uri, id));
        expect(ttl).toBeGreaterThan(1000);
        expect(ttl).toBeLessThanOrEqual(2000);
      }
    } finally {
      await capped.close();
    }
  });

  test('a callee with no room pops nothing; calls wait in redis', async () => {
    const uri = `t.${uuid()}`;
    await broker.call({ conn_uuid: uuid(), msg_uuid: uuid(), uri, args: new RawJson('1') }, 5000);
    let got = 0;
    const r = broker.calls([uri], () => 0, { onItem: () => got++ });
    await new Promise((res) => setTimeout(res, 100));
    expect(got).toBe(0);
    expect(await raw.llen(callKey(uri))).toBe(1);
    await r.close();
  });
});

describe('results', () => {
  test('results pushed for a connection reach its reader, in bulk too', async () => {
    const c = uuid();
    const ids = Array.from({ length: 50 }, () => uuid());
    const seen = new Set<string>();
    const done = waitFor<void>((resolve) => {
      const r = broker.results(c, {
        onItem: (p) => {
          seen.add(p.payload.msg_uuid);
          if (seen.size === ids.length) resolve();
        },
      });
      readers.push(r);
    });
    await Promise.all(ids.map((m) => broker.result({ conn_uuid: c, msg_uuid: m, uri: 'x', args: new RawJson('"ok"') }, 1000)));
    await done;
    expect(seen.size).toBe(50);
    expect(await raw.llen(resultKey(c))).toBe(0);
  });

  test('a malformed payload in a results list is dropped and counted', async () => {
    const c = uuid();
    const before = broker.metrics.FailedResPayloadUnmarshals;
    const err = await waitFor<Error>((resolve) => {
      const r = broker.results(c, { onItem: () => undefined, onError: resolve });
      readers.push(r);
      void raw.lpush(resultKey(c), '{not json');
    });
    expect(err.message).toContain('malformed');
    expect(broker.metrics.FailedResPayloadUnmarshals).toBe(before + 1);
  });

  test('closing a reader blocked in BRPOP returns promptly', async () => {
    const r = broker.results(uuid(), { onItem: () => undefined });
    await new Promise((res) => setTimeout(res, 50));
    const t0 = Date.now();
    await r.close();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('pub-sub', () => {
  test('publish reaches channel and pattern subscribers with the Go payload', async () => {
    const ch = `news.${uuid()}`;
    const evs: unknown[] = [];
    const l1 = (e: unknown) => evs.push(['chan', e]);
    const l2 = (e: unknown) => evs.push(['pat', e]);
    await broker.subscribe(ch, false, l1);
    await broker.subscribe('news.*', true, l2);
    const m = uuid();
    await broker.publish(ch, { msg_uuid: m, args: new RawJson('{"x":1}') });
    await new Promise((r) => setTimeout(r, 100));
    expect(evs).toHaveLength(2);
    const chan = evs.find((e) => (e as unknown[])[0] === 'chan') as [
      string,
      { msg_uuid: string; channel: string; pattern?: string; args: RawJson },
    ];
    const pat = evs.find((e) => (e as unknown[])[0] === 'pat') as [string, { pattern?: string }];
    expect(chan[1].msg_uuid).toBe(m);
    expect(chan[1].channel).toBe(ch);
    expect(chan[1].pattern).toBeUndefined();
    expect(chan[1].args.text).toBe('{"x":1}');
    expect(pat[1].pattern).toBe('news.*');
    await broker.unsubscribe(ch, false, l1);
    await broker.unsubscribeAll(l2);
    await broker.publish(ch, { msg_uuid: uuid(), args: new RawJson('2') });
    await new Promise((r) => setTimeout(r, 100));
    expect(evs).toHaveLength(2);
  });

  test('two listeners share one redis subscription', async () => {
    const ch = `room.${uuid()}`;
    const a: unknown[] = [];
    const b: unknown[] = [];
    const la = (e: unknown) => a.push(e);
    const lb = (e: unknown) => b.push(e);
    await broker.subscribe(ch, false, la);
    await broker.subscribe(ch, false, lb);
    expect(Number((await raw.pubsub('NUMSUB', ch))[1])).toBe(1);
    await broker.publish(ch, { msg_uuid: uuid(), args: new RawJson('1') });
    await new Promise((r) => setTimeout(r, 100));
    expect([a.length, b.length]).toEqual([1, 1]);
    await broker.unsubscribe(ch, false, la);
    expect(Number((await raw.pubsub('NUMSUB', ch))[1])).toBe(1);
    await broker.unsubscribe(ch, false, lb);
    expect(Number((await raw.pubsub('NUMSUB', ch))[1])).toBe(0);
  });
});

test('connecting to a redis that is not there fails with a clear error naming it', async () => {
  await expect(RedisBroker.connect({ url: 'redis://:secret@127.0.0.1:1' })).rejects.toThrow(
    /cannot connect to redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/,
  );
});

test('closing a calls reader blocked in BRPOP and a subscriber returns promptly (Go: closing blocked connections)', async () => {
  const b = await RedisBroker.connect({ url });
  const r = b.calls([`idle.${uuid()}`], () => 1, { onItem: () => undefined });
  await b.subscribe(`idle.${uuid()}`, false, () => undefined);
  await new Promise((res) => setTimeout(res, 50));
  const t0 = Date.now();
  await r.close();
  await b.close();
  expect(Date.now() - t0).toBeLessThan(1000);
});

test('closing a reader whose connection is not ready yet returns at once', async () => {
  const b = await RedisBroker.connect({ url, reconnectMaxDelayMs: 2000 });
  const r = b.calls([`fresh.${uuid()}`], () => 1, { onItem: () => undefined });
  const t0 = Date.now();
  await r.close();
  await b.close();
  expect(Date.now() - t0).toBeLessThan(500);
});
