// Juggler data-sync benchmark: patches generated (diff) and applied per second for 1 KB, 100 KB and 1 MB
// documents with small edits, and bytes sent per change with and without batching. Prints figures and
// the command that reproduces them; asserts nothing.
//   npx tsx bench/sync.ts [--seed N]

import type { FrameSink } from '../src/embedded-server/sync/peer';
import { SeedPeer } from '../src/embedded-server/sync/seed-peer';
import { cloneJson } from '../src/shared/json-patch/json-value';
import { applyPatch, diff } from '../src/shared/json-patch/patch';
import { SeededRandom } from '../src/shared/json-patch/seeded-random';
import { type Figure, fmt, summarise } from './summary';

const seedArg = process.argv.indexOf('--seed');
const seed = seedArg >= 0 ? Number(process.argv[seedArg + 1]) : 1;

/** A document of about `bytes` of JSON: a list of records, like a typical UI state. */
function makeDoc(bytes: number, rnd: SeededRandom): { items: { id: number; name: string; tags: string[]; value: number }[] } {
  const items: { id: number; name: string; tags: string[]; value: number }[] = [];
  let size = 12;
  for (let id = 0; size < bytes; id++) {
    const item = { id, name: `item-${id}-${rnd.int(1e6)}`, tags: ['a', 'b', 'c'].slice(0, 1 + rnd.int(3)), value: rnd.int(1000) };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return { items };
}

/** A small edit: change one value, or insert or delete one record. Returns a new document. */
function smallEdit(doc: ReturnType<typeof makeDoc>, rnd: SeededRandom): ReturnType<typeof makeDoc> {
  const items = doc.items.slice();
  const i = rnd.int(items.length);
  const kind = rnd.int(4);
  if (kind === 0) items.splice(i, 0, { id: -1, name: 'new', tags: [], value: 0 });
  else if (kind === 1 && items.length > 1) items.splice(i, 1);
  else items[i] = { ...items[i]!, value: rnd.int(1000) };
  return { items };
}

function timeIt(minMs: number, fn: () => void): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

const rows: string[][] = [['document', 'diff (patches/s)', 'apply (patches/s)', 'patch bytes']];
const figures: Figure[] = [];
for (const [label, bytes] of [
  ['1 KB', 1024],
  ['100 KB', 100 * 1024],
  ['1 MB', 1024 * 1024],
] as const) {
  const rnd = new SeededRandom(seed);
  const base = cloneJson(makeDoc(bytes, rnd));
  const edits = Array.from({ length: 64 }, () => cloneJson(smallEdit(base as ReturnType<typeof makeDoc>, rnd)));
  const patches = edits.map((e) => diff(base, e));
  let k = 0;
  const diffRate = timeIt(1000, () => diff(base, edits[k++ % edits.length]!));
  k = 0;
  const applyRate = timeIt(1000, () => applyPatch(base, patches[k++ % patches.length]!));
  const avgBytes = patches.reduce((s, p) => s + JSON.stringify(p).length, 0) / patches.length;
  rows.push([label, diffRate.toFixed(0), applyRate.toFixed(0), avgBytes.toFixed(0)]);
  figures.push({ name: `patches/s for a ${label} document, small edits: diff / apply`, value: `${fmt(diffRate)} / ${fmt(applyRate)}` });
}

/** Bytes and frames on the wire per local change for one seed peer, with a counting sink (no socket). */
function perChange(batch: number, changes: number): { bytes: number; frames: number } {
  let bytes = 0;
  let frames = 0;
  const sink: FrameSink = {
    send: (f) => {
      bytes += Buffer.byteLength(f);
      frames++;
    },
    close: () => {},
  };
  const rnd = new SeededRandom(seed);
  const peer = new SeedPeer(sink, { syncDelay: batch === 1 ? 0 : null });
  let doc = makeDoc(10 * 1024, rnd);
  peer.setLocalData(doc);
  bytes = 0; // the initial full state is not a "change"
  frames = 0;
  for (let i = 1; i <= changes; i++) {
    doc = smallEdit(doc, rnd);
    peer.setLocalData(doc);
    if (batch > 1 && i % batch === 0) void peer.flush();
  }
  void peer.flush();
  peer.close();
  return { bytes: bytes / changes, frames: frames / changes };
}

// a window's patch is not always smaller than its edits' patches together (the array diff sees the
// window's inserts, deletes and changes at once, and may express them in place), but it is one frame
const wire = [['batching', 'bytes sent per change', 'frames per change']];
for (const [label, batch] of [
  ['none (delay 0: one DATA per change)', 1],
  ['10 changes per window', 10],
  ['100 changes per window', 100],
] as const) {
  const r = perChange(batch, 1000);
  wire.push([label, r.bytes.toFixed(1), r.frames.toFixed(3)]);
}

function table(t: string[][]): string {
  const widths = t[0]!.map((_, c) => Math.max(...t.map((r) => r[c]!.length)));
  return t.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

console.log(`juggler data sync: diff/apply with small edits (seed ${seed}, node ${process.version})\n`);
console.log(table(rows));
console.log('\nseed DATA on a 10 KB document, 1000 small edits:\n');
console.log(table(wire));
console.log(`\nreproduce: npx tsx bench/sync.ts --seed ${seed}`);
summarise('sync', [
  ...figures,
  {
    name: 'per change on a 10 KB document, unbatched / 10 per window: bytes, frames',
    value: `${wire[1]![1]} / ${wire[2]![1]} B, ${wire[1]![2]} / ${wire[2]![2]}`,
  },
]);
