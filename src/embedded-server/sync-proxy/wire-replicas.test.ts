// The proxy's decoder on its own: frames in, both sides' replicas out, nothing ever thrown.
import { describe, expect, test } from 'vitest';
import { segment } from '../sync/segmenter';
import { WireReplicas } from './wire-replicas';

const data = (patch: unknown[]) => JSON.stringify({ type: 'DATA', payload: patch });

describe('wire replicas', () => {
  test('0.7 segments of a state message are reassembled, pings skipped, the generation detected from the first frame', () => {
    const r = new WireReplicas(undefined);
    const seen: string[] = [];
    r.on('generation', (g) => seen.push(g));
    const state = JSON.stringify({ type: 'state', diff: [{ op: 'replace', path: '', value: { text: 'é🙂'.repeat(50) } }] });
    r.fromServer('2ping');
    for (const f of segment(state, 7)) r.fromServer(f);
    expect(seen).toEqual(['0.7']);
    expect(r.server.local.value).toEqual({ text: 'é🙂'.repeat(50) });
    expect(r.client.remote.value).toEqual(r.server.local.value);
    expect(r.decodeFailures).toBe(0);
  });

  test('seed DATA both ways: each side has its own data and its copy of the other', () => {
    const r = new WireReplicas('seed');
    r.fromClient(data([{ op: 'replace', path: '', value: { c: 1 } }]));
    r.fromServer(data([{ op: 'replace', path: '', value: { s: 1 } }]));
    expect([r.client.local.value, r.server.remote.value, r.server.local.value, r.client.remote.value]).toEqual([
      { c: 1 },
      { c: 1 },
      { s: 1 },
      { s: 1 },
    ]);
  });

  test("a patch whose test guard fails on the receiver's copy: the sender's data takes it, the receiver's copy stays, one failure", () => {
    const r = new WireReplicas('seed');
    const errors: string[] = [];
    r.on('decodeError', (e) => errors.push(`${e.from}: ${e.message}`));
    r.fromClient(data([{ op: 'replace', path: '', value: { a: 0 } }]));
    r.fromClient(
      data([
        { op: 'test', path: '/a', value: 1 },
        { op: 'replace', path: '/a', value: 2 },
      ]),
    );
    expect(r.client.local.value).toEqual({ a: 2 });
    expect(r.server.remote.value).toEqual({ a: 0 });
    expect(errors).toEqual([expect.stringMatching(/^client: the server cannot apply the client's patch/)]);
  });

  test('bad JSON, an unknown type, a binary frame, a frame of no generation and an over-deep value are counted, never thrown', () => {
    const r = new WireReplicas(undefined);
    r.fromClient('hello'); // no generation yet
    r.binary('server');
    expect(r.generation).toBeUndefined();
    const seed = new WireReplicas('seed');
    seed.fromClient('{"type":');
    seed.fromClient('{"type":"BOGUS","payload":1}');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => seed.fromServer(`{"type":"DATA","payload":[{"op":"replace","path":"","value":${deep}}]}`)).not.toThrow();
    seed.fromServer(data([{ op: 'replace', path: '', value: 'after' }]));
    expect(seed.client.remote.value).toBe('after');
    expect(r.decodeFailures).toBe(2);
    expect(seed.decodeFailures).toBeGreaterThanOrEqual(2);
  });
});
