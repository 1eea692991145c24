// The pure parts: bytes shown as text, key kinds from names, CLIENT LIST and who waits on what.
import { expect, test } from 'vitest';
import { calleeClientName } from '../broker/redis/client-names';
import { binaryText, bytesOf } from './binary-text';
import { addClients, emptyWaiters } from './blocked-clients';
import { parseClientList } from './client-list';
import { classifyKey } from './key-kinds';
import { viewCallPayload, viewPubPayload } from './payload-view';

test('binaryText: UTF-8 as is, invalid bytes and controls escaped with the exact bytes alongside', () => {
  expect(binaryText('plain ünï 😀')).toEqual({ text: 'plain ünï 😀', bytes: 16 });
  expect(binaryText(Buffer.from([0x61, 0xff, 0x0a, 0x09, 0x00, 0xc3]), { withBytes: true })).toEqual({
    text: 'a\\xff\\n\\t\\x00\\xc3',
    bytes: 6,
    base64: Buffer.from([0x61, 0xff, 0x0a, 0x09, 0x00, 0xc3]).toString('base64'),
  });
  // overlong encodings and surrogates are not UTF-8
  expect(binaryText(Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80])).text).toBe('\\xc0\\xaf\\xed\\xa0\\x80');
  expect(binaryText('\u2028\u0085')).toMatchObject({ text: '\\u2028\\x85' });
  const long = binaryText('é'.repeat(1000), { maxChars: 10, withBytes: true });
  expect(long).toMatchObject({ text: 'é'.repeat(10), bytes: 2000, truncated: true });
  expect(bytesOf(long).toString()).toBe('é'.repeat(1000));
  expect(() => bytesOf({ text: 'x', bytes: 5, truncated: true })).toThrow(/truncated/);
  expect(bytesOf({ text: 'k', bytes: 1 }).toString()).toBe('k');
});

test('classifyKey: the four kinds, URIs with braces and colons, and lookalikes', () => {
  const k = (s: string) => classifyKey(Buffer.from(s));
  expect(k('juggler:calls:{test.echo}')).toEqual({ kind: 'callList', uri: Buffer.from('test.echo') });
  expect(k('juggler:calls:{a}:b}')).toEqual({ kind: 'callList', uri: Buffer.from('a}:b') });
  expect(k('juggler:calls:timeout:{a}:b}:m-1')).toEqual({ kind: 'callTimeout', uri: Buffer.from('a}:b'), msgUUID: Buffer.from('m-1') });
  expect(k('juggler:results:{c1}')).toEqual({ kind: 'resultList', conn: Buffer.from('c1') });
  expect(k('juggler:results:timeout:{c1}:m')).toEqual({ kind: 'resultTimeout', conn: Buffer.from('c1'), msgUUID: Buffer.from('m') });
  // a URI that starts like a timeout key is still a call list: it has the brace right after calls:
  expect(k('juggler:calls:{timeout:{x}:y}')).toMatchObject({ kind: 'callList' });
  for (const other of ['juggler:calls:', 'juggler:calls:{x', 'juggler:calls:timeout:{x}', 'juggler:else', 'juggler:results:x'])
    expect(k(other), other).toEqual({ kind: 'other' });
});

test('CLIENT LIST: blocked callees are attributed by name; other blocked BRPOPs are not; results readers are apart', () => {
  const callee = calleeClientName('callee', ['a.b', 'with space']);
  const text = [
    `id=1 addr=127.0.0.1:1 laddr=x fd=8 name=${callee} age=5 idle=5 flags=b db=0 sub=0 psub=0 cmd=brpop user=default`,
    `id=2 addr=127.0.0.1:2 laddr=x fd=9 name=${calleeClientName('callee', ['a.b'])} age=5 idle=0 flags=N db=0 sub=0 psub=0 cmd=evalsha`,
    'id=3 addr=127.0.0.1:3 laddr=x fd=10 name= age=9 idle=9 flags=b db=0 sub=0 psub=0 cmd=brpop user=default',
    'id=4 addr=127.0.0.1:4 laddr=x fd=11 name=juggler:server:results age=1 idle=1 flags=b db=0 cmd=brpop',
    'id=5 addr=127.0.0.1:5 laddr=x fd=12 name=juggler:callee:calls age=1 idle=1 flags=b db=0 cmd=brpop',
    'id=6 addr=127.0.0.1:6 laddr=x fd=13 name=other age=1 idle=1 flags=b db=0 cmd=blpop',
    'id=7 addr=127.0.0.1:7 laddr=x fd=14 name=sub age=1 idle=1 flags=P db=0 sub=2 psub=1 cmd=subscribe',
    '',
  ].join('\r\n');
  const clients = parseClientList(text);
  expect(clients).toHaveLength(7);
  expect(clients[6]).toMatchObject({ name: 'sub', sub: 2, psub: 1, cmd: 'subscribe' });
  const w = addClients(emptyWaiters(), clients, 'n1');
  expect(Object.fromEntries(w.waiting)).toEqual({ 'a.b': 1, 'with space': 1 });
  expect(Object.fromEntries(w.connected)).toEqual({ 'a.b': 2, 'with space': 1 });
  // an unnamed (Go) callee and one of ours from before names carried URIs
  expect(w.unattributed.map((u) => u.addr)).toEqual(['127.0.0.1:3', '127.0.0.1:5']);
  expect(w.unattributed[0]).toEqual({ node: 'n1', addr: '127.0.0.1:3', name: '', idleS: 9 });
  expect(w.resultReaders).toBe(1);
});

test('payload views: a juggler payload decoded, anything else raw with its reason', () => {
  const call = viewCallPayload(Buffer.from('{"conn_uuid":"c","msg_uuid":"m","uri":"u","args":{"a":[1,2]}}'));
  expect(call).toEqual({ bytes: 61, call: { msgUUID: 'm', connUUID: 'c', uri: 'u', args: { text: '{"a":[1,2]}', bytes: 11 } } });
  const long = viewCallPayload(Buffer.from(`{"conn_uuid":"c","msg_uuid":"m","uri":"u","args":"${'x'.repeat(500)}"}`), 10);
  expect(long.call?.args).toEqual({ text: `"${'x'.repeat(9)}`, bytes: 502, truncated: true });
  expect(viewCallPayload(Buffer.from('{"msg_uuid":"m"}')).error).toMatch(/conn_uuid/);
  expect(viewPubPayload(Buffer.from('{"msg_uuid":"m","args":null}'))).toMatchObject({ msgUUID: 'm', args: { text: 'null' } });
  expect(viewPubPayload(Buffer.from('hello'))).toMatchObject({ raw: { text: 'hello' }, error: expect.stringMatching(/not valid JSON/) });
  const huge = viewCallPayload(Buffer.alloc(2 * 1024 * 1024, 0x20));
  expect(huge.error).toMatch(/not decoded/);
  expect(huge.raw?.truncated).toBe(true);
});
