import { describe, expect, test } from 'vitest';
import {
  decode,
  decodeRequest,
  decodeResponse,
  encode,
  encodeFrame,
  isUUID,
  MessageType,
  nackFromAck,
  newAck,
  newCall,
  newEvnt,
  newNack,
  newPub,
  newRes,
  newSub,
  newUnsb,
  newUUID,
  ProtocolError,
  type RawJson,
  rawAt,
  typeName,
} from './index';

describe('round trips of every type', () => {
  const call = newCall('test.echo', { a: [1, 2] }, 1000);
  const msgs = [
    call,
    newPub('news', 'x'),
    newSub('ne*', true),
    newUnsb('news'),
    newAck(call),
    newNack(call, 500, 'redis unavailable'),
    newRes(call.meta.uuid, 'test.echo', { a: [1, 2] }),
    newEvnt(newUUID(), 'news', [1], 'ne*'),
  ];
  for (const m of msgs) {
    test(`${typeName(m.meta.type)} encodes and decodes to the same message`, () => {
      const text = encode(m);
      const back = decode(text);
      expect(back.meta).toEqual(m.meta);
      expect(JSON.parse(encode(back))).toEqual(JSON.parse(text));
      expect(encode(back)).toBe(text);
    });
  }

  test('frames have the Go field order and a trailing newline as the Go server writes them', () => {
    const ack = newAck(call);
    expect(encodeFrame(ack)).toBe(
      `{"meta":{"type":8,"uuid":"${ack.meta.uuid}"},"payload":{"for":"${call.meta.uuid}","for_type":1,"uri":"test.echo"}}\n`,
    );
    expect(encode(call)).toBe(
      `{"meta":{"type":1,"uuid":"${call.meta.uuid}"},"payload":{"uri":"test.echo","timeout":1000000000,"args":{"a":[1,2]}}}`,
    );
  });

  test('omitempty: no timeout when 0, no uri/channel when empty, no pattern on a channel EVNT', () => {
    expect(encode(newCall('u', 1))).not.toContain('timeout');
    expect(encode(newAck(newSub('')))).not.toContain('channel');
    expect(encode(newEvnt(newUUID(), 'c', 1))).not.toContain('pattern');
  });
});

test('a NACK built from an ACK keeps its for, for_type and uri (Go: NewNack(ack))', () => {
  const call = newCall('x.y', null);
  const nack = nackFromAck(newAck(call), 429, 'list capacity exceeded');
  expect(nack.payload).toEqual({
    for: call.meta.uuid,
    for_type: MessageType.CALL,
    uri: 'x.y',
    code: 429,
    message: 'list capacity exceeded',
  });
  expect(Object.keys(JSON.parse(encode(nack)).payload)).toEqual(['for', 'for_type', 'uri', 'code', 'message']);
});

describe('args pass through untouched', () => {
  test('large integers, number spellings and key order survive decode → encode', () => {
    const id = newUUID();
    const text = `{"meta":{"type":1,"uuid":"${id}"},"payload":{"uri":"u","timeout":5,"args":{"z":12345678901234567890,"a":1.50,"e":1e400}}}`;
    const m = decodeRequest(text);
    expect((m.payload as { args: RawJson }).args.text).toBe('{"z":12345678901234567890,"a":1.50,"e":1e400}');
    expect(encode(m)).toBe(text);
  });

  test('rawAt finds members through whitespace, escaped keys, nested values and duplicates (last wins)', () => {
    const s = ' { "a" : [1, {"args": 2}], "ar\\u0067s" : "first" , "args":{"x":"}\\"{"} } ';
    expect(rawAt(s, ['args'])?.text).toBe('{"x":"}\\"{"}');
    expect(rawAt('{"payload":{"args":null}}', ['payload', 'args'])?.text).toBe('null');
    expect(rawAt('{"payload":{}}', ['payload', 'args'])).toBeUndefined();
  });

  test('rawAt skips strings whatever runs of backslashes and quotes they hold', () => {
    // strings made of backslashes, quotes and braces: an escaped quote must not end a string, an escaped
    // backslash before a quote must not hide the end of one
    const pieces = ['\\', '"', '{', '}', '[', ']', ',', ':', 'a', 'é', '\n'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const str = Array.from({ length: rand(12) }, () => pieces[rand(pieces.length)]).join('');
      const args = { [str]: [str, { k: str }], n: 1 };
      const text = `{"meta":{"type":1,"uuid":${JSON.stringify(str)}},"payload":{"uri":${JSON.stringify(str)},"args":${JSON.stringify(args)},"z":${JSON.stringify(str)}}}`;
      expect(rawAt(text, ['payload', 'args'])?.text).toBe(JSON.stringify(args));
      expect(rawAt(text, ['payload', 'z'])?.text).toBe(JSON.stringify(str));
    }
  });

  test('absent args are null', () => {
    const m = decodeRequest(`{"meta":{"type":2,"uuid":"${newUUID()}"},"payload":{"channel":"c"}}`);
    expect((m.payload as { args: RawJson }).args.text).toBe('null');
  });
});

describe('validation', () => {
  const id = newUUID();
  const bad: [string, string, string][] = [
    ['{not json', 'INVALID_JSON', 'not valid JSON'],
    ['[1]', 'NOT_AN_OBJECT', 'must be a JSON object'],
    ['{"payload":{}}', 'MISSING_META', 'no "meta"'],
    [`{"meta":{"type":"CALL","uuid":"${id}"}}`, 'INVALID_TYPE', 'integer message type'],
    [`{"meta":{"type":99,"uuid":"${id}"}}`, 'UNKNOWN_TYPE', 'unknown message type 99'],
    ['{"meta":{"type":1,"uuid":"nope"}}', 'INVALID_UUID', 'must be a UUID'],
    [`{"meta":{"type":1,"uuid":"${id}"},"payload":{"uri":5}}`, 'INVALID_PAYLOAD', '"uri" must be a string'],
    [`{"meta":{"type":3,"uuid":"${id}"},"payload":{"channel":"c","pattern":"yes"}}`, 'INVALID_PAYLOAD', '"pattern" must be a boolean'],
    [`{"meta":{"type":1,"uuid":"${id}"},"payload":[]}`, 'INVALID_PAYLOAD', 'payload must be an object'],
  ];
  for (const [text, code, msg] of bad) {
    test(`${code}: ${text.slice(0, 40)}`, () => {
      try {
        decodeRequest(text);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        expect((err as ProtocolError).code).toBe(code);
        expect((err as ProtocolError).message).toContain(msg);
        expect((err as ProtocolError).closeCode).toBeGreaterThanOrEqual(1002);
      }
    });
  }

  test('a server reads requests only and a client responses only', () => {
    const ack = encode(newAck(newCall('u', 1)));
    expect(() => decodeRequest(ack)).toThrow(/ACK \(a server message\) is not allowed/);
    expect(() => decodeResponse(encode(newCall('u', 1)))).toThrow(/CALL \(a client request\) is not allowed/);
    expect(decodeResponse(ack).meta.type).toBe(MessageType.ACK);
  });

  test('a close reason never exceeds the 123 bytes a close frame allows', () => {
    const e = new ProtocolError('INVALID_PAYLOAD', 'é'.repeat(200));
    expect(Buffer.byteLength(e.closeReason)).toBeLessThanOrEqual(123);
  });
});

test('UUIDs are 36-character lowercase v4 text, as Go writes them', () => {
  for (let i = 0; i < 100; i++) {
    const u = newUUID();
    expect(isUUID(u)).toBe(true);
    expect(u).toBe(u.toLowerCase());
    expect(u[14]).toBe('4');
  }
  expect(isUUID('not-a-uuid')).toBe(false);
});
