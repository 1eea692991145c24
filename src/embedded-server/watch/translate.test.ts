// The translation of MONITOR lines into juggler operations, on the Go server and callee's recording
// and on the forms only our TS broker sends (batched push and check scripts, BLMPOP ... COUNT n).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMonitorLine } from './monitor-line';
import { Translator, type WatchedOp } from './translate';

const goRecording = join(__dirname, '..', '..', '..', '..', 'shared', 'conformance', 'go-redis-monitor.txt');

function run(lines: string[], names: Record<string, string> = {}): WatchedOp[] {
  const t = new Translator({ nameOf: (a) => names[a] });
  const out: WatchedOp[] = [];
  for (const l of lines) t.translate(parseMonitorLine(l), out);
  t.flush(out);
  return out;
}

const summary = (ops: WatchedOp[], corr: string) =>
  ops.filter((o) => o.corr === corr).map((o) => `${o.command} ${o.key.replace(/\{.*\}/, '{}')} by ${o.client}`);

describe('Translator', () => {
  const ops = run(
    readFileSync(goRecording, 'latin1')
      .split('\n')
      .filter((l) => l !== ''),
    { '127.0.0.1:46188': 'go-callee' },
  );

  it("a Go call: the server's push, the callee's pop and check, its result push, the server's pop and check", () => {
    expect(summary(ops, '77988a3d-3217-4b99-bf07-fdc7e7f47c7e')).toEqual([
      'EVALSHA push juggler:calls:{} by 127.0.0.1:46202',
      'BRPOP juggler:calls:{} by 127.0.0.1:46188 name=go-callee',
      'EVALSHA pttl-del juggler:calls:timeout:{}:77988a3d-3217-4b99-bf07-fdc7e7f47c7e by 127.0.0.1:52726',
      'EVALSHA push juggler:results:{} by 127.0.0.1:52738',
      'BRPOP juggler:results:{} by 127.0.0.1:52712',
      'EVALSHA pttl-del juggler:results:timeout:{}:77988a3d-3217-4b99-bf07-fdc7e7f47c7e by 127.0.0.1:46202',
    ]);
    const push = ops.find((o) => o.corr === '77988a3d-3217-4b99-bf07-fdc7e7f47c7e' && o.command === 'EVALSHA push')!;
    expect(push.ttlMs).toBe(1000);
  });

  it('every Go call of the recording gets the same six hops, once each (EVALSHA then EVAL after NOSCRIPT counts once)', () => {
    const calls = new Set(ops.filter((o) => o.command === 'EVALSHA push' && o.key.startsWith('juggler:calls:')).map((o) => o.corr!));
    expect(calls.size).toBeGreaterThanOrEqual(8);
    for (const corr of calls) {
      if (corr === '0656d229-cc06-41a3-801c-fd9ac7597578') continue; // the unserved URI
      const cmds = ops.filter((o) => o.corr === corr).map((o) => `${o.command} ${o.key.split(':')[1]}`);
      expect(cmds, corr).toEqual([
        'EVALSHA push calls',
        'BRPOP calls',
        'EVALSHA pttl-del calls',
        'EVALSHA push results',
        'BRPOP results',
        'EVALSHA pttl-del results',
      ]);
    }
  });

  it('a call to an unserved URI is pushed with its TTL and never popped', () => {
    expect(summary(ops, '0656d229-cc06-41a3-801c-fd9ac7597578')).toEqual(['EVALSHA push juggler:calls:{} by 127.0.0.1:46202']);
    expect(ops.find((o) => o.corr === '0656d229-cc06-41a3-801c-fd9ac7597578')!.ttlMs).toBe(300);
  });

  it("a callee's error result carries its message", () => {
    const r = ops.find(
      (o) => o.corr === '178f2f4b-2b6c-427b-ba8c-0a1b881dd3e3' && o.key.startsWith('juggler:results:') && o.command === 'EVALSHA push',
    );
    expect(r?.resultError).toBe('json: cannot unmarshal number into Go value of type string');
  });

  it('PUBLISH carries the msg uuid; SUBSCRIBE is reported per channel', () => {
    expect(summary(ops, 'efc39418-ed0c-41f4-b14e-4a95d822d74e')).toEqual(['PUBLISH news by 127.0.0.1:46202']);
    expect(ops.some((o) => o.command === 'PSUBSCRIBE' && o.key === 'ne*')).toBe(true);
  });

  it('our batched push script, BLMPOP COUNT n and the batched check: each message popped by the waiting callee', () => {
    const m1 = '11111111-1111-4111-8111-111111111111';
    const m2 = '22222222-2222-4222-8222-222222222222';
    const p = (m: string) => JSON.stringify(JSON.stringify({ conn_uuid: 'c', msg_uuid: m, uri: 'u', args: 1 }));
    const out = run(
      [
        '10.000000 [0 127.0.0.1:2] "blmpop" "0" "1" "juggler:calls:{u}" "RIGHT" "COUNT" "64"',
        '10.100000 [0 127.0.0.1:1] "evalsha" "abc" "4" "juggler:calls:timeout:{u}:' +
          m1 +
          '" "juggler:calls:{u}" "juggler:calls:timeout:{u}:' +
          m2 +
          '" "juggler:calls:{u}" "50" "x" "0" "50" "y" "0"',
        `10.100010 [0 lua] "SET" "juggler:calls:timeout:{u}:${m1}" "50" "PX" "50"`,
        `10.100020 [0 lua] "LPUSH" "juggler:calls:{u}" ${p(m1)}`,
        `10.100030 [0 lua] "SET" "juggler:calls:timeout:{u}:${m2}" "50" "PX" "50"`,
        `10.100040 [0 lua] "LPUSH" "juggler:calls:{u}" ${p(m2)}`,
        `10.200000 [0 127.0.0.1:3] "evalsha" "def" "2" "juggler:calls:timeout:{u}:${m1}" "juggler:calls:timeout:{u}:${m2}"`,
        `10.200010 [0 lua] "PTTL" "juggler:calls:timeout:{u}:${m1}"`,
        `10.200020 [0 lua] "DEL" "juggler:calls:timeout:{u}:${m1}"`,
        `10.200030 [0 lua] "PTTL" "juggler:calls:timeout:{u}:${m2}"`,
        `10.200040 [0 lua] "DEL" "juggler:calls:timeout:{u}:${m2}"`,
      ],
      { '127.0.0.1:2': 'juggler:demo:calls:u' },
    );
    for (const m of [m1, m2]) {
      expect(summary(out, m)).toEqual([
        'EVALSHA push juggler:calls:{} by 127.0.0.1:1',
        'blmpop juggler:calls:{} by 127.0.0.1:2 name=juggler:demo:calls:u'.replace('blmpop', 'BLMPOP'),
        `EVALSHA pttl-del juggler:calls:timeout:{}:${m} by 127.0.0.1:3`,
      ]);
    }
    // the pop happened when the push script ended
    expect(out.find((o) => o.corr === m1 && o.command === 'BLMPOP')!.timeMs).toBeCloseTo(10_100.04, 3);
  });

  it('a pop by a client that waited since before the watch is named by its next pop, placed before the check', () => {
    const m = '33333333-3333-4333-8333-333333333333';
    const p = JSON.stringify(JSON.stringify({ conn_uuid: 'c', msg_uuid: m, uri: 'u', args: 1 }));
    const out = run([
      '1.000000 [0 127.0.0.1:1] "evalsha" "abc" "2" "k" "l"',
      `1.000010 [0 lua] "LPUSH" "juggler:calls:{u}" ${p}`,
      '1.100000 [0 127.0.0.1:3] "evalsha" "def" "1" "k"',
      `1.100010 [0 lua] "PTTL" "juggler:calls:timeout:{u}:${m}"`,
      '1.200000 [0 127.0.0.1:2] "BLMPOP" "0" "1" "juggler:calls:{u}" "RIGHT" "COUNT" "64"',
    ]);
    const pop = out.find((o) => o.corr === m && o.command === 'BLMPOP');
    expect(pop?.client).toBe('127.0.0.1:2');
    expect(pop!.timeMs).toBeLessThan(1100.01);
  });

  it("a client's own PTTL of a timeout key (an inspector's read) is not a check", () => {
    expect(run(['1.000000 [0 127.0.0.1:9] "PTTL" "juggler:calls:timeout:{u}:x"'])).toEqual([]);
  });

  it('a waiting client that sends another command, or leaves CLIENT LIST, is waiting no more: the next push goes to whoever still waits', () => {
    const m = (n: number) => `4444444${n}-4444-4444-8444-444444444444`;
    const push = (t: string, n: number) => [
      `${t} [0 127.0.0.1:1] "evalsha" "abc" "2" "k" "l"`,
      `${t} [0 lua] "LPUSH" "juggler:calls:{u}" ${JSON.stringify(JSON.stringify({ conn_uuid: 'c', msg_uuid: m(n), uri: 'u', args: 1 }))}`,
    ];
    const tr = new Translator();
    const out: WatchedOp[] = [];
    const feed = (lines: string[]) => {
      for (const l of lines) tr.translate(parseMonitorLine(l), out);
      tr.flush(out);
    };
    feed([
      '1.000000 [0 127.0.0.1:2] "BRPOP" "juggler:calls:{u}" "0"',
      '1.000001 [0 127.0.0.1:3] "BRPOP" "juggler:calls:{u}" "0"',
      '1.000002 [0 127.0.0.1:4] "BRPOP" "juggler:calls:{u}" "0"',
      '1.100000 [0 127.0.0.1:2] "PING"',
      ...push('1.200000', 1),
    ]);
    expect(out.find((o) => o.corr === m(1) && o.command === 'BRPOP')?.client).toBe('127.0.0.1:3');
    // a list taken before client 4 started waiting does not end its wait
    tr.keepClients(new Set(['127.0.0.1:1', '127.0.0.1:2']), 1000.0015);
    feed(push('1.250000', 3));
    expect(out.find((o) => o.corr === m(3) && o.command === 'BRPOP')?.client).toBe('127.0.0.1:4');
    tr.keepClients(new Set(['127.0.0.1:1', '127.0.0.1:2']));
    feed(push('1.300000', 2));
    // nobody waits any more: the message stays queued until someone pops
    expect(out.some((o) => o.corr === m(2) && o.command === 'BRPOP')).toBe(false);
    feed(['1.400000 [0 127.0.0.1:2] "BRPOP" "juggler:calls:{u}" "0"']);
    expect(out.find((o) => o.corr === m(2) && o.command === 'BRPOP')?.client).toBe('127.0.0.1:2');
  });

  it('the same list in two databases is two lists: a client waiting in database 1 takes nothing pushed in database 0', () => {
    const m = '55555555-5555-4555-8555-555555555555';
    const p = JSON.stringify(JSON.stringify({ conn_uuid: 'c', msg_uuid: m, uri: 'u', args: 1 }));
    const out = run([
      '1.000000 [1 127.0.0.1:2] "BRPOP" "juggler:calls:{u}" "0"',
      '1.000001 [0 127.0.0.1:3] "BRPOP" "juggler:calls:{u}" "0"',
      `1.100000 [0 127.0.0.1:1] "LPUSH" "juggler:calls:{u}" ${p}`,
    ]);
    expect(out.find((o) => o.corr === m && o.command === 'BRPOP')).toMatchObject({
      client: '127.0.0.1:3',
      key: 'juggler:calls:{u}',
      db: 0,
    });
  });
});
