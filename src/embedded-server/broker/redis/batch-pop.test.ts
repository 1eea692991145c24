// Calls that wait in redis are taken in batches: one BLMPOP takes up to the consumer's room, and one
// script call checks all of their timeout keys. On a redis without BLMPOP (before 7.0) the same happens
// with BRPOP and RPOP COUNT. Either way each call is handed over once, in push order, or counted expired.
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type RedisProcess, startRedis } from '../../../../test/redis-server';
import { RawJson } from '../../message';
import { RedisBroker } from './broker';
import { callKey, callTimeoutKey } from './keys';
import type { RedisOp } from './options';

let modern: RedisProcess;
let old: RedisProcess;
beforeAll(async () => {
  // the second one stands for a redis before 7.0: BLMPOP is unknown to it
  [modern, old] = await Promise.all([startRedis(), startRedis({ extraArgs: ['--rename-command', 'BLMPOP', ''] })]);
});
afterAll(async () => {
  await Promise.all([modern?.stop(), old?.stop()]);
});

describe.each([
  ['redis with BLMPOP', () => modern, 'BLMPOP'],
  ['redis without BLMPOP', () => old, 'BRPOP'],
])('%s', (_name, redis, blocking) => {
  test('queued calls are popped in batches up to the room, checked together, handed over in push order; expired ones are counted', async () => {
    const ops: RedisOp[] = [];
    const broker = await RedisBroker.connect({ url: redis().url, onOp: (op) => ops.push(op) });
    const raw = new Redis(redis().url);
    try {
      const uri = `batch.${crypto.randomUUID()}`;
      const ids = Array.from({ length: 12 }, () => crypto.randomUUID());
      for (const id of ids) await broker.call({ conn_uuid: crypto.randomUUID(), msg_uuid: id, uri, args: new RawJson('1') }, 5000);
      // two of them lapse while queued
      const lapsed = [ids[3]!, ids[8]!];
      for (const id of lapsed) await raw.del(callTimeoutKey(uri, id));

      const got: string[] = [];
      const expired: string[] = [];
      let running = 0;
      const reader = broker.calls([uri], () => 5 - running, {
        onItem: (p) => {
          expect(p.ttlMs).toBeGreaterThan(4000);
          got.push(p.payload.msg_uuid);
          running++;
          // a worker finishes a little later and makes room
          setTimeout(() => {
            running--;
            reader.wake();
          }, 5);
        },
        onExpired: (p) => expired.push(p.msg_uuid),
      });
      await vi.waitFor(() => expect(got.length + expired.length).toBe(12));
      await reader.close();
      expect(got).toEqual(ids.filter((id) => !lapsed.includes(id)));
      expect(expired).toEqual(lapsed);
      expect(await raw.llen(callKey(uri))).toBe(0);
      expect(await raw.keys(`juggler:calls:timeout:{${uri}}:*`)).toEqual([]);

      const pops = ops.filter((o) => o.msgUUID && ['BLMPOP', 'BRPOP', 'RPOP'].includes(o.command));
      expect(pops.map((o) => o.msgUUID)).toEqual(ids);
      expect(pops[0]!.command).toBe(blocking);
      // never more at once than the room: at most 5 calls share one pop, and one check
      const perPop = new Map<string, number>();
      for (const o of pops) perPop.set(`${o.command}@${o.durationMs}`, (perPop.get(`${o.command}@${o.durationMs}`) ?? 0) + 1);
      expect(Math.max(...perPop.values())).toBeLessThanOrEqual(5);
      expect(Math.max(...perPop.values())).toBeGreaterThan(1);
      const checks = ops.filter((o) => o.command === 'EVALSHA pttl-del');
      expect(checks.map((o) => o.msgUUID)).toEqual(ids);
    } finally {
      raw.disconnect();
      await broker.close();
    }
  });
});
