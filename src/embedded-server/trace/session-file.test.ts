import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceInput } from '../../shared/trace/events';
import { TraceError } from './errors';
import { exportSession, exportText, exportToFile, importSession } from './session-file';
import { TraceBus } from './trace-bus';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trace-session-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const corr = '7f1c8a62-5a3e-4c4e-9d8e-2a4b3c5d6e7f';
function sample(): TraceInput[] {
  const call = `{"meta":{"type":1,"uuid":"${corr}"},"payload":{"uri":"test.echo","timeout":1000000000,"args":"hi"}}`;
  return [
    { kind: 'conn', proto: 'juggler', side: 'server', connId: 'c1', state: 'connected', remote: '127.0.0.1:5000' },
    {
      kind: 'frame',
      proto: 'juggler',
      side: 'server',
      connId: 'c1',
      dir: 'in',
      type: 'CALL',
      uuid: corr,
      uri: 'test.echo',
      corr,
      size: call.length,
      text: call,
    },
    { kind: 'redis', role: 'server', command: 'EVALSHA push', key: 'juggler:calls:{test.echo}', size: 90, durationMs: 0, corr },
    { kind: 'callee', calleeId: 'demo', uri: 'test.echo', durationMs: 0, outcome: 'ok', corr },
    { kind: 'sync', peerId: 'p', replica: 'remote', revision: 3, patch: [{ op: 'add', path: '/x', value: 'é"\n' }], size: 40 },
    { kind: 'log', level: 'warn', source: 'redis', message: 'line one\nline two' },
  ];
}

function filled(capacity = 100): TraceBus {
  const bus = new TraceBus({ capacity });
  for (const e of sample()) bus.record(e);
  return bus;
}

describe('session export and import', () => {
  it('proxy frames and connections keep their side and source through export and import', async () => {
    const bus = new TraceBus();
    const text = `{"meta":{"type":1,"uuid":"${corr}"},"payload":{"uri":"test.echo","timeout":0,"args":1}}`;
    bus.recordFrame('proxy', 'px1.1', 'in', text, 'CALL', corr, corr, 'test.echo', undefined, undefined, 'ws://h:9000/ws');
    bus.record({ kind: 'conn', proto: 'juggler', side: 'proxy', source: 'ws://h:9000/ws', connId: 'px1.1', state: 'connected' });
    const imported = await importSession({ text: await exportText(bus) });
    expect(imported.bus.events()).toMatchObject([
      { kind: 'frame', side: 'proxy', source: 'ws://h:9000/ws', connId: 'px1.1', corr },
      { kind: 'conn', side: 'proxy', source: 'ws://h:9000/ws' },
    ]);
  });

  it('export → import gives the same events, seq, t and wall included, and the header', async () => {
    const bus = filled();
    const text = await exportText(bus);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'juggler-studio-trace', version: 1, stats: { held: 6, recorded: 6 } });
    const imported = await importSession({ text });
    expect(imported.count).toBe(6);
    expect(imported.header.exported).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.parse(JSON.stringify(imported.bus.events()))).toEqual(JSON.parse(JSON.stringify(bus.events())));
    expect(imported.bus.chain(corr)?.hops.map((h) => h.label)).toEqual(['CALL in', 'push call', 'run']);
    expect(imported.bus.stats()).toMatchObject({ enabled: false, held: 6, recorded: 6, dropped: 0 });
  });

  it('a command seen by the redis watch (its client, node, db, TTL) survives export and import', async () => {
    const bus = new TraceBus();
    bus.record({
      kind: 'redis',
      role: 'watch',
      command: 'BRPOP',
      key: 'juggler:calls:{test.echo}',
      size: 0,
      durationMs: 0,
      corr,
      client: '127.0.0.1:5 name=go-callee',
      node: '127.0.0.1:6379',
      db: 0,
      ttlMs: 1000,
      resultError: 'boom',
    });
    const imported = await importSession({ text: await exportText(bus) });
    expect(JSON.parse(JSON.stringify(imported.bus.events()))).toEqual(JSON.parse(JSON.stringify(bus.events())));
    expect(imported.bus.chain(corr)?.hops.map((h) => h.label)).toEqual(['callee pop call']);
  });

  it('exports and imports through a file, into an existing bus that is cleared first', async () => {
    const file = join(dir, 'session.ndjson');
    const src = filled(4); // 2 of 6 evicted: the session starts at seq 3
    expect(await exportToFile(src, file)).toBe(4);
    const target = new TraceBus();
    target.record({ kind: 'log', level: 'info', source: 't', message: 'replaced' });
    const r = await importSession({ file }, target);
    expect(r.bus).toBe(target);
    expect(target.events().map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(target.stats()).toMatchObject({ held: 4, recorded: 6, dropped: 2 });
  });

  it('exports in chunks of lines', async () => {
    const bus = filled();
    const chunks: string[] = [];
    for await (const c of exportSession(bus, 2)) chunks.push(c);
    expect(chunks.map((c) => c.split('\n').length - 1)).toEqual([1, 2, 2, 2]);
  });

  it('a malformed line is refused with an error naming the line', async () => {
    const good = (await exportText(filled())).trimEnd().split('\n');
    const withBadJson = [...good.slice(0, 3), '{"kind":"log", oops', ...good.slice(3)].join('\n');
    await expect(importSession({ text: withBadJson })).rejects.toMatchObject({
      code: 'IMPORT_BAD_JSON',
      line: 4,
      message: expect.stringMatching(/^line 4: not JSON/),
    });
    const missing = [...good.slice(0, 2), JSON.stringify({ ...JSON.parse(good[2]!), connId: undefined }), ...good.slice(3)].join('\n');
    await expect(importSession({ text: missing })).rejects.toMatchObject({
      code: 'IMPORT_BAD_EVENT',
      line: 3,
      message: expect.stringContaining('a frame event needs "connId"'),
    });
    const reordered = [good[0], good[2], good[1]].join('\n');
    await expect(importSession({ text: reordered })).rejects.toMatchObject({ code: 'IMPORT_SEQ_ORDER', line: 3 });
    await expect(importSession({ text: good.slice(1).join('\n') })).rejects.toMatchObject({ code: 'IMPORT_BAD_HEADER', line: 1 });
    await expect(importSession({ text: '\n\n' })).rejects.toBeInstanceOf(TraceError);
    const file = join(dir, 'bad.ndjson');
    await writeFile(file, [good[0], good[1], '{"kind":"nope","seq":9,"t":1,"wall":1}'].join('\n'));
    await expect(importSession({ file })).rejects.toMatchObject({
      code: 'IMPORT_BAD_EVENT',
      line: 3,
      message: expect.stringContaining('unknown kind "nope"'),
    });
  });

  it('a failed import leaves the target bus as it was', async () => {
    const target = filled();
    await expect(importSession({ text: 'garbage' }, target)).rejects.toMatchObject({ code: 'IMPORT_BAD_JSON', line: 1 });
    expect(target.stats()).toMatchObject({ held: 6, enabled: true });
  });
});

describe('spill', () => {
  it('appends every event recorded while spilling as one JSON per line', async () => {
    const file = join(dir, 'spill.ndjson');
    const bus = new TraceBus({ capacity: 3 });
    bus.record({ kind: 'log', level: 'info', source: 't', message: 'before the spill' });
    await bus.spillTo(file);
    for (const e of sample()) bus.record(e);
    expect(bus.stats().spillFile).toBe(file);
    await bus.stopSpill();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    // the ring holds 3, the file all 6 recorded while spilling
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(JSON.parse(lines[1]!)).toMatchObject({ kind: 'frame', corr, uri: 'test.echo' });
    expect(bus.stats()).toMatchObject({ spilled: 6, spillDropped: 0 });
    expect(bus.stats().spillFile).toBeUndefined();
  });

  it('counts events it could not queue instead of blocking record()', async () => {
    const file = join(dir, 'spill-small.ndjson');
    const bus = new TraceBus();
    await bus.spillTo(file, { maxPending: 10 });
    for (let i = 0; i < 100; i++) bus.record({ kind: 'log', level: 'info', source: 't', message: `m${i}` });
    await bus.stopSpill();
    const s = bus.stats();
    expect(s.spilled + (s.spillDropped ?? 0)).toBe(100);
    expect(s.spillDropped).toBe(90);
    expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(10);
  });

  it('refuses a second spill and names an unwritable file', async () => {
    const bus = new TraceBus();
    await bus.spillTo(join(dir, 'a.ndjson'));
    await expect(bus.spillTo(join(dir, 'b.ndjson'))).rejects.toMatchObject({ code: 'SPILL_ACTIVE' });
    await bus.stopSpill();
    await expect(bus.spillTo(join(dir, 'no', 'such', 'dir.ndjson'))).rejects.toMatchObject({
      code: 'SPILL_FAILED',
      message: expect.stringContaining('no/such/dir.ndjson'),
    });
  });
});
