// A batch of trace events as columns: the form the `trace` bridge event carries. Events rebuilt as
// objects on the host, serialised with every field name and parsed back into objects in the page cost
// the host its throughput and the page its main thread; as columns (numbers, and strings that repeat
// named once in the batch's own string table) a batch is a handful of arrays, which JSON (the web
// websocket) and structured clone (Electron IPC) both move cheaply, and which the renderer copies
// straight into its column chunks. Where each field of each kind goes is event-schema.ts. Events that
// fit no column (a field the schema does not know) travel whole, as objects.
//
// Each batch has its own string table rather than a delta against the previous batch: the same frame
// goes to every attached window, a window that reconnects needs no state, and a batch every 50 ms
// names only a few dozen distinct strings (connection ids, URIs, commands, roles).
//
// Shared by the host and the renderer: no node:*, no DOM.

import { kindCode, kindFields, kindNames, NUM_SLOTS, SYM_SLOTS, TEXT_SLOTS } from './event-schema';
import type { TraceEvent } from './events';

/** flags: the `truncated` field, true or false (neither bit: absent). */
export const TRUNCATED_TRUE = 1;
export const TRUNCATED_FALSE = 2;
/** The kind code of an event carried whole (see TraceBatch.whole). */
export const KIND_WHOLE = 255;

export interface TraceBatch {
  /** Events in the batch, in seq order. */
  n: number;
  /** The strings the `sym` column names: id k is strings[k - 1]; id 0 is an absent field. */
  strings: string[];
  /** Per event: its kind's code (the index in TRACE_KINDS), or KIND_WHOLE. */
  kind: number[];
  seq: number[];
  t: number[];
  wall: number[];
  /** Per event: TRUNCATED_TRUE, TRUNCATED_FALSE or 0. */
  flags: number[];
  /** SYM_SLOTS string ids per event (event i's slot k at i * SYM_SLOTS + k). */
  sym: number[];
  /** TEXT_SLOTS strings per event (null: absent); a `json` field as its JSON text. */
  text: (string | null)[];
  /** NUM_SLOTS numbers per event (null: absent). */
  num: (number | null)[];
  /** The events carried whole, as [index in the batch, event], by increasing index. */
  whole: [number, TraceEvent][];
  /**
   * Events recorded just before the first one that the host left out: a window following the live
   * log takes only the newest of a flood (see trace.follow). The host still holds them.
   */
  skipped?: number;
}

/**
 * An array of `n` times `v`, packed: `new Array(n).fill(v)` stays holey in V8, and JSON.stringify
 * takes its slow path for holey arrays (several times slower per element).
 */
function filled<T>(n: number, v: T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(v);
  return a;
}

/**
 * Builds one batch: begin() an event, then set its fields by slot (or add() a whole event object);
 * done() returns it. `capacity`: the events expected, whose columns are allocated at once (filled,
 * absent fields and all) rather than grown by a push per field.
 */
export class TraceBatchWriter {
  readonly #ids = new Map<string, number>();
  readonly #capacity: number;
  readonly batch: TraceBatch;

  constructor(capacity = 0) {
    this.#capacity = capacity;
    this.batch = {
      n: 0,
      strings: [],
      kind: filled(capacity, 0),
      seq: filled(capacity, 0),
      t: filled(capacity, 0.5),
      wall: filled(capacity, 0),
      flags: filled(capacity, 0),
      sym: filled(capacity * SYM_SLOTS, 0),
      text: filled<string | null>(capacity * TEXT_SLOTS, null),
      num: filled<number | null>(capacity * NUM_SLOTS, null),
      whole: [],
    };
  }

  /** The batch, its columns cut to the events written. */
  done(): TraceBatch {
    const b = this.batch;
    if (b.n < this.#capacity) {
      b.kind.length = b.n;
      b.seq.length = b.n;
      b.t.length = b.n;
      b.wall.length = b.n;
      b.flags.length = b.n;
      b.sym.length = b.n * SYM_SLOTS;
      b.text.length = b.n * TEXT_SLOTS;
      b.num.length = b.n * NUM_SLOTS;
    }
    return b;
  }

  /** The batch's id of `s`; 0 for undefined. */
  id(s: string | undefined): number {
    if (s === undefined) return 0;
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.batch.strings.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }

  /** Appends an event with every field absent; returns its index. */
  begin(code: number, seq: number, t: number, wall: number): number {
    const b = this.batch;
    const i = b.n++;
    b.kind[i] = code;
    b.seq[i] = seq;
    b.t[i] = t;
    b.wall[i] = wall;
    b.flags[i] = 0;
    if (i >= this.#capacity) {
      // past the columns allocated: append the absent fields
      for (let k = 0; k < SYM_SLOTS; k++) b.sym.push(0);
      for (let k = 0; k < TEXT_SLOTS; k++) b.text.push(null);
      for (let k = 0; k < NUM_SLOTS; k++) b.num.push(null);
    }
    return i;
  }

  sym(i: number, slot: number, s: string | undefined): void {
    this.batch.sym[i * SYM_SLOTS + slot] = this.id(s);
  }

  text(i: number, slot: number, s: string | undefined): void {
    this.batch.text[i * TEXT_SLOTS + slot] = s ?? null;
  }

  num(i: number, slot: number, v: number | undefined): void {
    this.batch.num[i * NUM_SLOTS + slot] = v === undefined || Number.isNaN(v) ? null : v;
  }

  flag(i: number, truncated: boolean | undefined): void {
    this.batch.flags[i] = truncated === undefined ? 0 : truncated ? TRUNCATED_TRUE : TRUNCATED_FALSE;
  }

  /** Appends an event object: into the columns when it fits the schema, else whole. */
  add(e: TraceEvent): void {
    const code = kindCode(e.kind);
    const i = this.begin(code < 0 ? KIND_WHOLE : code, e.seq, e.t, e.wall);
    if (code < 0 || !this.#fill(e, code, i)) {
      const b = this.batch;
      b.kind[i] = KIND_WHOLE;
      b.flags[i] = 0;
      for (let k = 0; k < SYM_SLOTS; k++) b.sym[i * SYM_SLOTS + k] = 0;
      for (let k = 0; k < TEXT_SLOTS; k++) b.text[i * TEXT_SLOTS + k] = null;
      for (let k = 0; k < NUM_SLOTS; k++) b.num[i * NUM_SLOTS + k] = null;
      b.whole.push([i, e]);
    }
  }

  /** Writes `e`'s fields by the schema; false when it does not fit (the caller keeps it whole). */
  #fill(e: TraceEvent, code: number, i: number): boolean {
    const rec = e as unknown as Record<string, unknown>;
    let present = 4; // seq, t, wall, kind
    if (typeof e.seq !== 'number' || typeof e.t !== 'number' || typeof e.wall !== 'number') return false;
    for (const field of kindFields[code]!) {
      const v = rec[field.name];
      if (v === undefined) {
        if (!field.optional) return false;
        continue;
      }
      present++;
      switch (field.store) {
        case 'sym':
          if (typeof v !== 'string') return false;
          this.sym(i, field.slot, v);
          break;
        case 'text':
          if (typeof v !== 'string') return false;
          this.text(i, field.slot, v);
          break;
        case 'json':
          if (!Array.isArray(v)) return false;
          this.text(i, field.slot, JSON.stringify(v));
          break;
        case 'num':
          // JSON has no NaN or infinities: such a value travels whole (as JSON makes it)
          if (typeof v !== 'number' || !Number.isFinite(v)) return false;
          this.num(i, field.slot, v);
          break;
        case 'flag':
          if (typeof v !== 'boolean') return false;
          this.flag(i, v);
          break;
      }
    }
    // a field the schema does not know (or one set to undefined) would be lost: carry the event whole
    let keys = 0;
    for (const _ in rec) keys++;
    return keys === present;
  }
}

/** A batch of these events (tests, and producers that hold objects). */
export function toBatch(events: readonly TraceEvent[]): TraceBatch {
  const w = new TraceBatchWriter(events.length);
  for (const e of events) w.add(e);
  return w.done();
}

/** Event `i` of the batch as an object, as the host held it (`whole`: the batch's whole events by index). */
export function batchEvent(b: TraceBatch, i: number, whole?: ReadonlyMap<number, TraceEvent>): TraceEvent {
  const code = b.kind[i]!;
  if (code === KIND_WHOLE) {
    const e = whole?.get(i) ?? b.whole.find(([j]) => j === i)?.[1];
    if (!e) throw new Error(`trace batch: event ${i} is marked whole but the batch does not carry it`);
    return e;
  }
  const out: Record<string, unknown> = { seq: b.seq[i], t: b.t[i], wall: b.wall[i], kind: kindNames[code] };
  for (const field of kindFields[code]!) {
    let v: unknown;
    switch (field.store) {
      case 'sym': {
        const id = b.sym[i * SYM_SLOTS + field.slot]!;
        v = id === 0 ? undefined : b.strings[id - 1];
        break;
      }
      case 'text':
        v = b.text[i * TEXT_SLOTS + field.slot] ?? undefined;
        break;
      case 'json': {
        const s = b.text[i * TEXT_SLOTS + field.slot];
        v = s == null ? undefined : JSON.parse(s);
        break;
      }
      case 'num':
        v = b.num[i * NUM_SLOTS + field.slot] ?? undefined;
        break;
      case 'flag': {
        const f = b.flags[i]!;
        v = f & TRUNCATED_TRUE ? true : f & TRUNCATED_FALSE ? false : undefined;
        break;
      }
    }
    if (v !== undefined) out[field.name] = v;
  }
  return out as unknown as TraceEvent;
}

/** Every event of the batch as an object (tests, and consumers that want objects). */
export function batchEvents(b: TraceBatch): TraceEvent[] {
  const whole = new Map(b.whole);
  const out: TraceEvent[] = new Array(b.n);
  for (let i = 0; i < b.n; i++) out[i] = batchEvent(b, i, whole);
  return out;
}
