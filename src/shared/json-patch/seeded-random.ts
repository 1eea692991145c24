// A small seeded pseudo-random generator (mulberry32) and random JSON values and edits, so that property
// tests and the benchmark replay exactly from a seed.
import type { JsonValue } from './json-value';

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Keys include the characters a JSON pointer must escape. */
  key(): string {
    return this.pick(['a', 'b', 'c', 'x/y', 't~1', '', '0', '😀', 'é']);
  }

  value(depth = 3): JsonValue {
    const kind = this.int(depth > 0 ? 9 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.next() < 0.5;
      case 2:
        return this.int(5) - 1;
      case 3:
        return this.pick(['', 'a', 'long text', '😀x', '0']);
      case 4:
        return this.next() * 100;
      case 5:
        return this.pick([[], {}]);
      case 6:
      case 7: {
        const out: JsonValue[] = [];
        for (let i = this.int(5); i > 0; i--) out.push(this.value(depth - 1));
        return out;
      }
      default: {
        const out: { [k: string]: JsonValue } = {};
        for (let i = this.int(5); i > 0; i--) out[this.key()] = this.value(depth - 1);
        return out;
      }
    }
  }

  /** A small edit of `doc` (a new value; `doc` is not touched): set, insert or delete somewhere inside. */
  edit(doc: JsonValue): JsonValue {
    if (this.int(10) === 0) return this.value();
    const copy = structuredClone(doc);
    const containers: JsonValue[] = [];
    const walk = (v: JsonValue) => {
      if (v !== null && typeof v === 'object') {
        containers.push(v);
        for (const child of Object.values(v)) walk(child);
      }
    };
    walk(copy);
    if (containers.length === 0) return this.value();
    const target = this.pick(containers);
    if (Array.isArray(target)) {
      const op = this.int(3);
      if (op === 0 || target.length === 0) target.splice(this.int(target.length + 1), 0, this.value(1));
      else if (op === 1) target.splice(this.int(target.length), 1);
      else target[this.int(target.length)] = this.value(1);
    } else {
      const obj = target as { [k: string]: JsonValue };
      const keys = Object.keys(obj);
      if (keys.length > 0 && this.int(3) === 0) delete obj[this.pick(keys)];
      else obj[this.key()] = this.value(1);
    }
    return copy;
  }
}
