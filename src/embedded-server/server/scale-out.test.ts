// Several `juggler server` processes behind a real websocket load balancer (Caddy, round-robin), sharing
// nothing but redis (spec: "Several servers can run behind a websocket load balancer"). Clients spread over
// the servers, a callee anywhere answers every one of them, events reach subscribers on every server, and
// the clients of a server killed with SIGKILL reconnect through the proxy to a live one and carry on.
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CaddyProcess, caddyBinary, startCaddy } from '../../../test/caddy';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { callKey } from '../broker/redis/keys';
import type { JugglerClient, JugglerEvent } from '../client/client';
import { createClient } from '../client/node';
import { newCall } from '../message';

const SERVERS = 3;
const CLIENTS = 12;
const hasCaddy = caddyBinary() !== undefined;
if (!hasCaddy) console.warn('scale-out test skipped: no caddy binary (apt-get install -y caddy; .ci/run installs it)');

describe.skipIf(!hasCaddy)('N juggler servers behind Caddy', () => {
  let redis: RedisProcess;
  let admin: Redis;
  const servers: CliProcess[] = [];
  let callee: CliProcess;
  let caddy: CaddyProcess;
  const clients: JugglerClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    for (let i = 0; i < SERVERS; i++) servers.push(runCli(['server', '--addr', '127.0.0.1:0', '--redis', redis.url]));
    const urls = await Promise.all(servers.map(async (s) => (await s.waitFor(/listening on (ws:\/\/\S+)/))[1]!));
    callee = runCli(['callee', '--redis', redis.url, '--demo', '--quiet']);
    await callee.waitFor(/serving /);
    caddy = await startCaddy(urls.map((u) => new URL(u).host));
    for (let i = 0; i < CLIENTS; i++) {
      const c = createClient(caddy.url('/ws'), { reconnect: { initialDelayMs: 50, maxDelayMs: 500 }, callTimeoutMs: 5000 });
      // reconnection reports socket errors here; the test looks at outcomes, not at these
      c.on('error', () => {});
      await c.open();
      clients.push(c);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await caddy?.stop();
    await Promise.all([...servers, callee].filter(Boolean).map((p) => p.stop()));
    admin?.disconnect();
    await redis?.stop();
  });

  /**
   * Which server each client is on: every client CALLs a URI nobody serves, and the call payloads left
   * in its redis list carry the server's id as conn_uuid (spec: results come back to that server).
   */
  async function whereAreClients(): Promise<string[]> {
    const uri = `where.${crypto.randomUUID()}`;
    for (let i = 0; i < clients.length; i++) clients[i]!.send(newCall(uri, i, 10_000));
    const key = callKey(uri);
    const deadline = Date.now() + 10_000;
    while ((await admin.llen(key)) < clients.length) {
      if (Date.now() > deadline) throw new Error(`only ${await admin.llen(key)} of ${clients.length} calls reached redis`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const items = (await admin.lrange(key, 0, -1)).map((t) => JSON.parse(t) as { conn_uuid: string; args: number });
    await admin.del(key);
    const where: string[] = [];
    for (const it of items) where[it.args] = it.conn_uuid;
    return where;
  }

  async function everyClientCalls(tag: string): Promise<void> {
    const got = await Promise.all(clients.map((c, i) => c.call('test.echo', { tag, i })));
    expect(got).toEqual(clients.map((_, i) => ({ tag, i })));
  }

  /** Client `from` publishes; resolves with the events every client received for that PUB. */
  async function publishReachesAll(from: number, channel: string): Promise<JugglerEvent[]> {
    const value = crypto.randomUUID();
    const arrivals = clients.map(
      (c) =>
        new Promise<JugglerEvent>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no event on ${channel} within 5 s`)), 5000);
          const off = c.on('event', (ev) => {
            if (ev.channel !== channel || ev.args !== value) return;
            clearTimeout(t);
            off();
            resolve(ev);
          });
        }),
    );
    await clients[from]!.pub(channel, value);
    return Promise.all(arrivals);
  }

  test('clients spread over every server; a callee anywhere answers all; events reach subscribers on every server', async () => {
    const where = await whereAreClients();
    expect(where).toHaveLength(CLIENTS);
    expect(new Set(where).size).toBe(SERVERS);
    await everyClientCalls('before');
    await Promise.all(clients.map((c) => c.sub('news')));
    const evs = await publishReachesAll(0, 'news');
    expect(new Set(evs.map((e) => e.for)).size).toBe(1);
  });

  test('a server killed with SIGKILL: its clients reconnect through Caddy to the others and carry on', async () => {
    const before = await whereAreClients();
    const closed = new Set<number>();
    const reopened = new Map<number, number>();
    const offs = clients.flatMap((c, i) => [
      c.on('close', (info) => {
        if (info.willReconnect) closed.add(i);
      }),
      c.on('open', (info) => {
        if (info.reconnected) reopened.set(i, info.resubscribed);
      }),
    ]);
    await servers[0]!.stop('SIGKILL');
    const deadline = Date.now() + 15_000;
    // the dead server's clients are exactly one of the groups found above
    const groupOf = (i: number) => clients.map((_, j) => j).filter((j) => before[j] === before[i]);
    for (;;) {
      const first = [...closed][0];
      if (first !== undefined && [...closed].every((i) => reopened.has(i)) && groupOf(first).every((j) => reopened.has(j))) break;
      if (Date.now() > deadline)
        throw new Error(`closed ${[...closed]}, reopened ${[...reopened.keys()]} after 15 s\ncaddy:\n${caddy.stderr().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const off of offs) off();
    const dead = before[[...closed][0]!]!;
    expect([...closed].sort((a, b) => a - b)).toEqual(groupOf([...closed][0]!));
    // each renewed its one subscription
    for (const [, n] of reopened) expect(n).toBe(1);

    const after = await whereAreClients();
    expect(after).not.toContain(dead);
    expect(new Set(after).size).toBe(SERVERS - 1);
    await everyClientCalls('after');
    // an event published by a reconnected client reaches everyone, the reconnected ones included
    await publishReachesAll([...closed][0]!, 'news');
  });
});
