// The patch applier and diff: the spec's P1 and P2 cases, the fast-json-patch deviations we guard
// against, and diff/apply round trips on random documents.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from './json-value';
import { applyPatch, diff, type Patch } from './patch';
import { SeededRandom } from './seeded-random';

describe('P1 diff', () => {
  it.each<[string, JsonValue, JsonValue, Patch]>([
    ['equal values give []', { a: [1, { b: null }] }, { a: [1, { b: null }] }, []],
    ['null → value is replace ""', null, { a: 1 }, [{ op: 'replace', path: '', value: { a: 1 } }]],
    ['a changed key is replace', { a: 1 }, { a: 2 }, [{ op: 'replace', path: '/a', value: 2 }]],
    ['a removed key is remove', { a: 1, b: 2 }, { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['a new key is add', { a: 1 }, { a: 1, b: 2 }, [{ op: 'add', path: '/b', value: 2 }]],
    ['a changed array element is replace /a/1', { a: [1, 2, 3] }, { a: [1, 5, 3] }, [{ op: 'replace', path: '/a/1', value: 5 }]],
    ['prepending is add /a/0', { a: [1, 2] }, { a: [0, 1, 2] }, [{ op: 'add', path: '/a/0', value: 0 }]],
    ['dropping the first element is remove /a/0', { a: [1, 2, 3] }, { a: [2, 3] }, [{ op: 'remove', path: '/a/0' }]],
    ['{a:0}→{a:false}', { a: 0 }, { a: false }, [{ op: 'replace', path: '/a', value: false }]],
    ['{a:""}→{a:false}', { a: '' }, { a: false }, [{ op: 'replace', path: '/a', value: false }]],
    ['{a:[]}→{a:{}}', { a: [] }, { a: {} }, [{ op: 'replace', path: '/a', value: {} }]],
    ['{a:false}→{a:null}', { a: false }, { a: null }, [{ op: 'replace', path: '/a', value: null }]],
    ['{a:""}→{a:[]}', { a: '' }, { a: [] }, [{ op: 'replace', path: '/a', value: [] }]],
    ['a change of the root type is replace ""', [1], { 0: 1 }, [{ op: 'replace', path: '', value: { 0: 1 } }]],
    ['value → null is replace "" (never remove "")', { a: 1 }, null, [{ op: 'replace', path: '', value: null }]],
    ['keys are escaped per RFC 6901', {}, { 'a/b~c': 1 }, [{ op: 'add', path: '/a~1b~0c', value: 1 }]],
  ])('%s', (_, before, after, expected) => {
    expect(diff(before, after)).toEqual(expected);
    expect(applyPatch(before, diff(before, after))).toEqual(after);
  });

  it('emits only add, remove and replace', () => {
    const rnd = new SeededRandom(7);
    for (let i = 0; i < 300; i++) {
      for (const op of diff(rnd.value(), rnd.value())) expect(['add', 'remove', 'replace']).toContain(op.op);
    }
  });
});

describe('P2 apply', () => {
  it.each<[string, JsonValue, Patch, JsonValue]>([
    ['[] is identity', { a: 1 }, [], { a: 1 }],
    ['add "" sets the document', { a: 1 }, [{ op: 'add', path: '', value: [1] }], [1]],
    ['add into an object', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['add into an array by index', [1, 3], [{ op: 'add', path: '/1', value: 2 }], [1, 2, 3]],
    ['add with - appends', [1], [{ op: 'add', path: '/-', value: 2 }], [1, 2]],
    ['remove "" gives null', { a: 1 }, [{ op: 'remove', path: '' }], null],
    ['remove a key', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }], { b: 2 }],
    ['remove an index', [1, 2, 3], [{ op: 'remove', path: '/1' }], [1, 3]],
    ['replace at the root', 1, [{ op: 'replace', path: '', value: 'x' }], 'x'],
    ['replace a key', { a: 1 }, [{ op: 'replace', path: '/a', value: null }], { a: null }],
    ['replace an index', [1, 2], [{ op: 'replace', path: '/0', value: 0 }], [0, 2]],
    ['move from "" to ""', { a: 1 }, [{ op: 'move', from: '', path: '' }], { a: 1 }],
    ['copy from "" to ""', { a: 1 }, [{ op: 'copy', from: '', path: '' }], { a: 1 }],
    ['move between keys', { a: 1 }, [{ op: 'move', from: '/a', path: '/b' }], { b: 1 }],
    ['copy between keys', { a: [1] }, [{ op: 'copy', from: '/a', path: '/b' }], { a: [1], b: [1] }],
    [
      'test on the whole document (deep, any key order)',
      { a: 1, b: [2] },
      [{ op: 'test', path: '', value: { b: [2], a: 1 } }],
      { a: 1, b: [2] },
    ],
    ['test on a sub-path', { a: { b: [1] } }, [{ op: 'test', path: '/a/b', value: [1] }], { a: { b: [1] } }],
    [
      'test null at the root (0.5.7 sends it first)',
      null,
      [
        { op: 'test', path: '', value: null },
        { op: 'replace', path: '', value: { a: 1 } },
      ],
      { a: 1 },
    ],
  ])('%s', (_, doc, patch, expected) => {
    const before = structuredClone(doc);
    expect(applyPatch(doc, patch)).toEqual(expected);
    expect(doc).toEqual(before); // never mutated
  });

  it.each<[string, JsonValue, unknown]>([
    ['a failing test fails the patch', { a: 1 }, [{ op: 'test', path: '/a', value: '1' }]],
    ['test 0 against false', { a: 0 }, [{ op: 'test', path: '/a', value: false }]],
    [
      'a later failing op undoes the earlier ones',
      { a: 1 },
      [
        { op: 'add', path: '/b', value: 2 },
        { op: 'remove', path: '/zzz' },
      ],
    ],
    // where fast-json-patch alone is lenient or throws a TypeError
    ['remove of an inherited key', {}, [{ op: 'remove', path: '/toString' }]],
    ['replace of an inherited key', {}, [{ op: 'replace', path: '/constructor', value: 1 }]],
    ['an index with a leading zero', [1, 2], [{ op: 'replace', path: '/01', value: 3 }]],
    ['replace "-"', [1], [{ op: 'replace', path: '/-', value: 3 }]],
    ['add past the end', [1], [{ op: 'add', path: '/5', value: 3 }]],
    ['a path into null', null, [{ op: 'add', path: '/a', value: 1 }]],
    ['a path into a number', { a: 1 }, [{ op: 'add', path: '/a/b', value: 1 }]],
    ['move into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/c' }]],
    ['move from a missing path to the root', { a: 1 }, [{ op: 'move', from: '/zzz', path: '' }]],
    ['an unknown op', {}, [{ op: 'frobnicate', path: '' }]],
    ['a missing value', {}, [{ op: 'add', path: '/a' }]],
    ['a path without a leading slash', { a: 1 }, [{ op: 'remove', path: 'a' }]],
    ['not an array', {}, { op: 'add', path: '', value: 1 }],
  ])('%s fails with PATCH_FAILED and leaves the document as it was', (_, doc, patch) => {
    const before = structuredClone(doc);
    expect(() => applyPatch(doc, patch)).toThrow(expect.objectContaining({ code: 'PATCH_FAILED', closeCode: 1007 }));
    expect(doc).toEqual(before);
  });

  it('errors name the failing operation', () => {
    expect(() =>
      applyPatch({ a: 1 }, [
        { op: 'add', path: '/b', value: 1 },
        { op: 'remove', path: '/zzz' },
      ]),
    ).toThrow(/patch operation 1 \(remove "\/zzz"\).*does not exist/);
  });
});

describe('diff and apply round trip', () => {
  it('apply(a, diff(a, b)) equals b for 2,000 random pairs and edits (seed 42)', () => {
    const rnd = new SeededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const a = rnd.value();
      const b = rnd.value();
      expect(applyPatch(a, diff(a, b))).toEqual(b);
      const c = rnd.edit(a);
      expect(applyPatch(a, diff(a, c))).toEqual(c);
    }
  });
});

describe('apply copies only what it changes', () => {
  // biome-ignore lint/suspicious/noExplicitAny: these tests read into documents of no fixed shape
  type Doc = Record<string, any>;
  const make = (): JsonValue => ({
    items: Array.from({ length: 50 }, (_, i) => ({ id: i, tags: ['a'], nested: { deep: { n: i } } })),
    meta: { title: 't', list: [1, 2, 3] },
  });

  it('never changes the document it was given, nor the values of the patch, whatever the operations', () => {
    const doc = make();
    const snapshot = JSON.stringify(doc);
    const patch: Patch = [
      { op: 'add', path: '/extra', value: { x: 1, inner: [1] } },
      { op: 'replace', path: '/extra/x', value: 2 },
      { op: 'add', path: '/extra/inner/-', value: 2 },
      { op: 'replace', path: '/items/3/nested/deep/n', value: -3 },
      { op: 'remove', path: '/items/4/tags/0' },
      { op: 'move', from: '/items/5/nested', path: '/meta/moved' },
      { op: 'replace', path: '/meta/moved/deep/n', value: 'moved' },
      { op: 'copy', from: '/items/6', path: '/meta/copied' },
      { op: 'replace', path: '/meta/copied/id', value: 'copy' },
      { op: 'add', path: '/meta/list/0', value: 0 },
      { op: 'test', path: '/meta/title', value: 't' },
    ];
    const patchText = JSON.stringify(patch);
    const after = applyPatch(doc, patch) as Doc;
    expect(JSON.stringify(doc)).toBe(snapshot);
    expect(JSON.stringify(patch)).toBe(patchText);
    expect(after.extra).toEqual({ x: 2, inner: [1, 2] });
    expect(after.items[3].nested.deep.n).toBe(-3);
    expect(after.items[4].tags).toEqual([]);
    expect(after.items[5].nested).toBeUndefined();
    expect(after.meta.moved).toEqual({ deep: { n: 'moved' } });
    expect(after.meta.copied.id).toBe('copy');
    expect(after.items[6].id).toBe(6);
    expect(after.meta.list).toEqual([0, 1, 2, 3]);
  });

  it('shares what it does not change with the document it was given', () => {
    const doc = make() as Doc;
    const after = applyPatch(doc, [{ op: 'replace', path: '/items/7/nested/deep/n', value: 70 }]) as Doc;
    expect(after).not.toBe(doc);
    expect(after.items).not.toBe(doc.items);
    expect(after.items[7]).not.toBe(doc.items[7]);
    expect(after.items[7].tags).toBe(doc.items[7].tags);
    expect(after.items[8]).toBe(doc.items[8]);
    expect(after.meta).toBe(doc.meta);
  });

  it('a failing operation leaves the given document as it was', () => {
    const doc = make();
    const snapshot = JSON.stringify(doc);
    expect(() =>
      applyPatch(doc, [
        { op: 'replace', path: '/items/0/id', value: 'changed' },
        { op: 'remove', path: '/items/0/missing' },
      ]),
    ).toThrow(/missing/);
    expect(JSON.stringify(doc)).toBe(snapshot);
  });
});

describe('apply within limits (issue 11)', () => {
  const deep = (n: number): JsonValue => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as JsonValue;

  it('a patch of more operations than maxOperations is refused before any work, with 1009', () => {
    const ops = Array.from({ length: 11 }, () => ({ op: 'add', path: '/0', value: 1 }));
    expect(() => applyPatch([], ops, { maxOperations: 10 })).toThrow(
      expect.objectContaining({
        code: 'TOO_MANY_OPERATIONS',
        closeCode: 1009,
        message: expect.stringMatching(/11 operations.*limit of 10.*maxPatchOperations/),
      }),
    );
    expect(applyPatch([], ops.slice(0, 10), { maxOperations: 10 })).toHaveLength(10);
  });

  it('a value that would nest the data deeper than maxDepth is refused with 1009: by itself, or under a deep path', () => {
    expect(applyPatch(null, [{ op: 'replace', path: '', value: deep(10) }], { maxDepth: 10 })).toEqual(deep(10));
    expect(() => applyPatch(null, [{ op: 'replace', path: '', value: deep(11) }], { maxDepth: 10 })).toThrow(
      expect.objectContaining({
        code: 'TOO_DEEP',
        closeCode: 1009,
        message: expect.stringMatching(/operation 0 .*limit of 10 levels.*maxDepth/),
      }),
    );
    // a value of depth 1 added 10 tokens down nests 11 deep
    const path = `${'/a'.repeat(9)}/b`;
    expect(() => applyPatch(deep(10), [{ op: 'add', path, value: {} }], { maxDepth: 10 })).toThrow(
      expect.objectContaining({ code: 'TOO_DEEP' }),
    );
    expect(applyPatch(deep(10), [{ op: 'add', path, value: 2 }], { maxDepth: 10 })).toBeTruthy();
  });

  it('copying or moving a subtree further down is measured too; moving it up is not refused', () => {
    const doc = { x: deep(8), y: {} } as JsonValue;
    expect(() => applyPatch(doc, [{ op: 'copy', from: '/x', path: '/y/z' }], { maxDepth: 9 })).toThrow(
      expect.objectContaining({ code: 'TOO_DEEP' }),
    );
    expect(() => applyPatch(doc, [{ op: 'move', from: '/x', path: '/y/z' }], { maxDepth: 9 })).toThrow(
      expect.objectContaining({ code: 'TOO_DEEP' }),
    );
    expect(applyPatch(doc, [{ op: 'move', from: '/x/a', path: '/x' }], { maxDepth: 9 })).toEqual({ x: deep(7), y: {} });
    expect(applyPatch(doc, [{ op: 'copy', from: '/x/a', path: '/y/z' }], { maxDepth: 9 })).toEqual({ x: deep(8), y: { z: deep(7) } });
  });

  it('copies past maxCopiedValues are refused with 1009: copying the root into itself doubles the data each time', () => {
    const ops: Patch = [{ op: 'replace', path: '', value: { a: [1, 2, 3, 4, 5, 6, 7, 8] } }];
    for (let i = 0; i < 30; i++) ops.push({ op: 'copy', from: '', path: `/a${i}` });
    expect(() => applyPatch(null, ops)).toThrow(
      expect.objectContaining({
        code: 'PATCH_TOO_LARGE',
        closeCode: 1009,
        message: expect.stringMatching(/limit of 1000000 \(raise maxCopiedValues\)/),
      }),
    );
    expect(applyPatch({ a: [1, 2] }, [{ op: 'copy', from: '/a', path: '/b' }], { maxCopiedValues: 3 })).toEqual({ a: [1, 2], b: [1, 2] });
    expect(() => applyPatch({ a: [1, 2] }, [{ op: 'copy', from: '/a', path: '/b' }], { maxCopiedValues: 2 })).toThrow(
      expect.objectContaining({ code: 'PATCH_TOO_LARGE' }),
    );
  });

  it('the default depth limit refuses the 5,000-deep value of the attack', () => {
    expect(() => applyPatch(null, [{ op: 'replace', path: '', value: deep(5000) }])).toThrow(expect.objectContaining({ code: 'TOO_DEEP' }));
  });
});

describe('long runs of array edits (issue 11, item 7)', () => {
  it('give the same data as the operations applied one by one, for 200 random runs (seed 11)', () => {
    const r = new SeededRandom(11);
    for (let round = 0; round < 200; round++) {
      const start = Array.from({ length: r.int(1500) }, (_, i) => i);
      const doc = { list: start, other: { keep: true } } as JsonValue;
      let length = start.length;
      const ops: Patch = [];
      for (let n = 32 + r.int(400); n > 0; n--) {
        const k = r.int(4);
        if (k === 0 || length === 0) {
          ops.push({ op: 'add', path: `/list/${r.next() < 0.2 ? '-' : r.int(length + 1)}`, value: { n } });
          length++;
        } else if (k === 1) {
          ops.push({ op: 'add', path: '/list/0', value: n });
          length++;
        } else if (k === 2) {
          ops.push({ op: 'remove', path: `/list/${r.int(length)}` });
          length--;
        } else ops.push({ op: 'replace', path: `/list/${r.int(length)}`, value: [n] });
      }
      let oneByOne = doc;
      for (const op of ops) oneByOne = applyPatch(oneByOne, [op]);
      const before = JSON.stringify(doc);
      expect(applyPatch(doc, ops)).toEqual(oneByOne);
      expect(JSON.stringify(doc)).toBe(before);
    }
  });

  it('a bad index inside a run names that operation, as outside one; under an object they are members', () => {
    const ops: Patch = Array.from({ length: 40 }, () => ({ op: 'add', path: '/a/0', value: 1 }));
    ops.push({ op: 'remove', path: '/a/99' });
    expect(() => applyPatch({ a: [] }, ops)).toThrow(
      /patch operation 40 \(remove "\/a\/99"\).*index 99 does not exist \(array length 40\)/,
    );
    ops[40] = { op: 'add', path: '/a/01', value: 1 };
    expect(() => applyPatch({ a: [] }, ops)).toThrow(/patch operation 40 .*"01" is not an array index/);
    expect(() => applyPatch({ a: 1 }, ops)).toThrow(/patch operation 0 \(add "\/a\/0"\).*cannot add a member to number 1/);
    // under an object the same paths name members
    expect(applyPatch({ a: {} }, ops)).toEqual({ a: { '0': 1, '01': 1 } });
  });
});
