// `juggler client` driven through piped stdin, in process, against a real websocket server on port 0.
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedServer } from '../client/testing/scripted-server';
import { MessageType } from '../message';
import type { CommandIO } from './command';
import { main } from './main';
import { parseCallRest } from './repl-commands';

let server: ScriptedServer;
beforeEach(async () => {
  server = await ScriptedServer.start({ nackUri: 'test.unavailable' });
});
afterEach(async () => {
  await server.stop();
});

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (b: Buffer) => {
    text += b.toString();
  });
  return { stream, text: () => text };
}

async function runClient(lines: string[], flags: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const out = collect();
  const err = collect();
  const io: CommandIO = {
    stdin: Readable.from(lines.map((l) => `${l}\n`)),
    stdout: out.stream,
    stderr: err.stream,
    stopSignal: new Promise(() => {}),
  };
  const code = await main(['client', '--addr', server.url, ...flags], io);
  return { code, out: out.text(), err: err.text() };
}

const TS = '\\d\\d:\\d\\d:\\d\\d\\.\\d{3}';

describe('juggler client', () => {
  it('runs piped commands, prints every frame with a timestamp, and exits at EOF once replies arrived', async () => {
    const { code, out, err } = await runClient(['connect', 'call test.delay "50"', 'sub news', 'psub ne*', 'pub news {"x": 1}']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${TS} ! connected to ${server.url}$`, 'm'));
    expect(out).toMatch(
      new RegExp(
        `^${TS} > \\{"meta":\\{"type":1,"uuid":"[0-9a-f-]{36}"\\},"payload":\\{"uri":"test.delay","timeout":60000000000,"args":"50"\\}\\}$`,
        'm',
      ),
    );
    expect(out).toMatch(new RegExp(`^${TS} < \\{"meta":\\{"type":9,.*"args":"50"\\}\\}$`, 'm'));
    expect(out).toMatch(/< .*"type":10,.*"channel":"news","pattern":"ne\*","args":\{"x": 1\}/);
    expect(out).toMatch(/< .*"type":10,.*"channel":"news","args":\{"x": 1\}/);
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => / > /.test(l))).toHaveLength(4);
    expect(lines.filter((l) => / < /.test(l))).toHaveLength(4 + 1 + 2); // 4 ACKs, the RES, 2 EVNTs
    await expect.poll(() => server.closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('call takes JSON args with spaces and a timeout; an expired call prints an EXP line', async () => {
    const { out } = await runClient(['connect', 'call no.such.uri {"a": [1, 2]} 60', 'call test.echo {"b": "c d"}']);
    expect(server.requests[0]!.payload).toMatchObject({ uri: 'no.such.uri', timeout: 60_000_000 });
    expect(server.received[0]).toContain('"args":{"a": [1, 2]}'); // as typed, like Go's json.RawMessage
    expect(out).toMatch(new RegExp(`^${TS} ! EXP [0-9a-f-]{36} no.such.uri: no result within 60 ms$`, 'm'));
    expect(out).toMatch(/< .*"type":9,.*"args":\{"b": "c d"\}/);
  });

  it('unsb, punsb, send, close and rand', async () => {
    const { code, out } = await runClient([
      'connect',
      'unsb news',
      'punsb ne*',
      `send {"meta":{"type":3,"uuid":"${crypto.randomUUID()}"},"payload":{"channel":"raw"}}`,
      'rand',
      'close 4001 done here',
    ]);
    expect(code).toBe(0);
    const types = server.requests.map((r) => r.meta.type);
    expect(types.slice(0, 3)).toEqual([MessageType.UNSB, MessageType.UNSB, MessageType.SUB]);
    expect(types).toHaveLength(4);
    expect(out).toMatch(/! closed 4001 done here/);
    await expect.poll(() => server.closes).toEqual([{ code: 4001, reason: 'done here' }]);
  });

  it('reports a NACK and a callee error as received frames', async () => {
    const { out } = await runClient(['connect', 'call test.unavailable 1', 'call test.delay "x"']);
    expect(out).toMatch(/< .*"type":7,.*"code":503,"message":"broker unavailable"/);
    expect(out).toMatch(/< .*"type":9,.*"args":\{"error":\{"message":"strconv.Atoi: parsing \\"x\\": invalid syntax"\}\}/);
  });

  it('a frame the server refuses closes the connection, shown with its close code', async () => {
    const { out } = await runClient(['connect', 'send {not json']);
    expect(out).toMatch(new RegExp(`^${TS} > \\{not json$`, 'm'));
    expect(out).toMatch(/! closed 1002/);
  });

  it('misuse and commands without a connection are reported on stderr; the exit code is 1', async () => {
    const { code, err } = await runClient(['call test.echo 1', 'connect', 'frobnicate', 'pub news', 'call test.echo {bad', 'connect']);
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toEqual([
      'not connected: use connect [addr]',
      'unknown command "frobnicate"; type help',
      'usage: pub <channel> <json args>',
      'args must be JSON (strings in double quotes), got: {bad',
      `already connected to ${server.url}; disconnect or close first`,
    ]);
  });

  it('a server that does not speak juggler.0 is named as such', async () => {
    const other = await ScriptedServer.start({ protocol: null });
    try {
      const { err } = await runClient([`connect ${other.url}`]);
      expect(err).toMatch(/did not accept the juggler\.0 subprotocol/);
    } finally {
      await other.stop();
    }
  });

  it('help lists the commands; exit stops reading', async () => {
    const { out } = await runClient(['help', 'exit', 'connect']);
    for (const c of [
      'connect [addr]',
      'disconnect',
      'close [code] [reason]',
      'send <raw json frame>',
      'call <uri>',
      'pub <channel>',
      'psub <pattern>',
      'punsb <pattern>',
      'rand',
      'exit',
    ]) {
      expect(out).toContain(c);
    }
    expect(out).not.toContain('connected to');
  });

  it('--connect, --allowed-messages and disconnect', async () => {
    const { out } = await runClient(['disconnect'], ['--connect', '--allowed-messages', 'call, pub']);
    expect(out).toMatch(/! connected to/);
    expect(server.lastHeaders()?.['juggler-allowed-messages']).toBe('call, pub');
    await expect.poll(() => server.closes[0]?.code).toBe(1006);
  });

  it('--help shows every flag with its default', async () => {
    const out = collect();
    const code = await main(['client', '--help'], {
      stdin: Readable.from([]),
      stdout: out.stream,
      stderr: out.stream,
      stopSignal: new Promise(() => {}),
    });
    expect(code).toBe(0);
    expect(out.text()).toContain('--addr URL');
    expect(out.text()).toContain('(default ws://127.0.0.1:9000/ws)');
    expect(out.text()).toContain('(default 60s)');
  });
});

describe('parseCallRest', () => {
  it('splits JSON args from a trailing timeout', () => {
    const parsed = (rest: string) => {
      const { args, timeoutMs } = parseCallRest(rest, 500);
      return [args.text, timeoutMs];
    };
    expect(parsed('')).toEqual(['null', 500]);
    expect(parsed('"x"')).toEqual(['"x"', 500]);
    expect(parsed('5 100')).toEqual(['5', 100]);
    expect(parsed('{"a": 1} 2s')).toEqual(['{"a": 1}', 2000]);
    expect(parsed('[1, 2, 3]')).toEqual(['[1, 2, 3]', 500]);
    expect(() => parseCallRest('hello', 500)).toThrow(/args must be JSON/);
  });
});
