// A block of CHUNK_SIZE trace events stored by column (see event-schema.ts): typed arrays for numbers
// and string ids, and one string for the texts of the whole chunk. A million events held as objects
// are millions of heap objects (the event, its texts, its uuids), and every major GC has to mark them
// all: 100-350 ms pauses on a busy 2-core machine. As columns, a million events are a few thousand
// objects. Texts are joined into one flat string per SEGMENT events; a reader gets a slice of it.
// Events that do not fit the schema (an unknown field or kind, a value of another type) are kept whole,
// as objects, so that nothing the host sends is lost or altered.

import {
  CORR_SLOT,
  KIND_CALLEE,
  KIND_CONN,
  KIND_FRAME,
  KIND_LOG,
  KIND_REDIS,
  KIND_SYNC,
  kindCode,
  kindFields,
  kindNames,
  NUM_SLOTS,
  SYM_SLOTS,
  TEXT_SLOTS,
} from '../../../../shared/trace/event-schema';
import type { TraceEvent } from '../../../../shared/trace/events';
import {
  TRUNCATED_FALSE as BATCH_FALSE,
  TRUNCATED_TRUE as BATCH_TRUE,
  batchEvent,
  KIND_WHOLE,
  type TraceBatch,
} from '../../../../shared/trace/trace-batch';
import { payloadOf, peerOf, targetOf, typeOf } from './event-columns';
import { NO_STRING, type StringTable } from './string-table';

export const CHUNK_SIZE = 4096;
/**
 * Events whose texts are joined into one string. Small enough that a batch joins its texts before the
 * next scavenge: the event's own strings die young instead of being promoted to the old generation
 * (and left there for a major GC) while a whole chunk fills up.
 */
const SEGMENT = 256;
const SEGMENT_TEXTS = SEGMENT * TEXT_SLOTS;

/** flags: bits 0-3 say which text slots hold a value; then the `truncated` flag; then "kept whole". */
const TRUNCATED_TRUE = 1 << 4;
const TRUNCATED_FALSE = 1 << 5;
const WHOLE = 1 << 6;

/** StringTable.pair tags: a kind's Type column value (kind * 2) and its Connection column value (+1). */
const TYPE_TAG = 0;
const PEER_TAG = 1;

export class EventChunk {
  /** Events held. */
  n = 0;
  readonly kind = new Uint8Array(CHUNK_SIZE);
  readonly flags = new Uint8Array(CHUNK_SIZE);
  readonly seq = new Float64Array(CHUNK_SIZE);
  readonly t = new Float64Array(CHUNK_SIZE);
  readonly wall = new Float64Array(CHUNK_SIZE);
  /** A number per event computed on arrival (a RES's latency), NaN when none. */
  readonly note = new Float64Array(CHUNK_SIZE).fill(Number.NaN);
  /** Number fields, NaN when absent (JSON has no NaN, so it never stands for a value). */
  readonly num = new Float64Array(CHUNK_SIZE * NUM_SLOTS).fill(Number.NaN);
  readonly sym = new Uint32Array(CHUNK_SIZE * SYM_SLOTS);
  /** StringTable ids of the Type and Connection column values, which filters test. */
  readonly typeId = new Uint32Array(CHUNK_SIZE);
  readonly peerId = new Uint32Array(CHUNK_SIZE);
  /**
   * End of each text slot's value in its segment's text (a value starts where the previous slot
   * ends, or at 0 for the first slot of a segment).
   */
  readonly #ends = new Int32Array(CHUNK_SIZE * TEXT_SLOTS);
  /** Texts of the full segments, each joined into one string. */
  #segments: string[] = [];
  /** The texts of the segment filling up, one per text slot. */
  #parts: string[] = new Array(SEGMENT_TEXTS).fill('');
  /** Length of the filling segment's texts so far. */
  #length = 0;
  #whole: Map<number, TraceEvent> | undefined;

  constructor(readonly strings: StringTable) {}

  get full(): boolean {
    return this.n === CHUNK_SIZE;
  }

  /** Empties the chunk for reuse: a recycled chunk's typed arrays are not allocated again. */
  reset(): void {
    this.n = 0;
    this.#segments = [];
    this.#length = 0;
    this.#whole = undefined;
  }

  append(e: TraceEvent, note: number): void {
    const i = this.n;
    const length = this.#length;
    if (!this.#encode(e, i)) {
      // undo a partial encoding: the event is kept as it came
      this.#length = length;
      const at = (i % SEGMENT) * TEXT_SLOTS;
      for (let k = 0; k < TEXT_SLOTS; k++) {
        this.#parts[at + k] = '';
        this.#ends[i * TEXT_SLOTS + k] = length;
      }
      this.flags[i] = WHOLE;
      this.kind[i] = 255;
      this.seq[i] = e.seq;
      this.t[i] = e.t;
      this.wall[i] = e.wall;
      this.#whole ??= new Map();
      this.#whole.set(i, e);
    }
    this.note[i] = note;
    this.n = i + 1;
    if (this.n % SEGMENT === 0) this.#seal();
  }

  /**
   * Appends event `j` of a bridge batch, copied from its columns (the same schema as this chunk's):
   * `ids` maps the batch's string ids to this chunk's table (-1: the table is full), `whole` the events
   * the batch carries whole. No object is built for the event unless its Type or Connection value is
   * new (see #derived).
   */
  appendFrom(b: TraceBatch, j: number, ids: Int32Array, whole: ReadonlyMap<number, TraceEvent> | undefined, note: number): void {
    const code = b.kind[j]!;
    const i = this.n;
    const length0 = this.#length;
    let ok = code !== KIND_WHOLE;
    if (ok) {
      const parts = this.#parts;
      const p = (i % SEGMENT) * TEXT_SLOTS;
      for (let k = 0; k < SYM_SLOTS; k++) {
        const id = ids[b.sym[j * SYM_SLOTS + k]!]!;
        if (id < 0) ok = false;
        this.sym[i * SYM_SLOTS + k] = id;
      }
      let flags = 0;
      let length = this.#length;
      for (let k = 0; k < TEXT_SLOTS; k++) {
        const v = b.text[j * TEXT_SLOTS + k];
        if (v == null) parts[p + k] = '';
        else {
          parts[p + k] = v;
          flags |= 1 << k;
          length += v.length;
        }
        this.#ends[i * TEXT_SLOTS + k] = length;
      }
      for (let k = 0; k < NUM_SLOTS; k++) this.num[i * NUM_SLOTS + k] = b.num[j * NUM_SLOTS + k] ?? Number.NaN;
      const bf = b.flags[j]!;
      if (bf & BATCH_TRUE) flags |= TRUNCATED_TRUE;
      else if (bf & BATCH_FALSE) flags |= TRUNCATED_FALSE;
      if (ok) {
        this.#length = length;
        this.kind[i] = code;
        this.flags[i] = flags;
        this.seq[i] = b.seq[j]!;
        this.t[i] = b.t[j]!;
        this.wall[i] = b.wall[j]!;
        const typeId = this.#derivedFrom(code, TYPE_TAG, i, flags);
        const peerId = this.#derivedFrom(code, PEER_TAG, i, flags);
        if (typeId < 0 || peerId < 0) ok = false;
        else {
          this.typeId[i] = typeId;
          this.peerId[i] = peerId;
        }
      }
    }
    if (ok) {
      this.note[i] = note;
      this.n = i + 1;
      if (this.n % SEGMENT === 0) this.#seal();
      return;
    }
    // the string table is full, or the batch carries the event whole: keep it as an object
    this.#length = length0;
    this.append(whole?.get(j) ?? batchEvent(b, j), note);
  }

  /** One flat string for a segment's texts: one object instead of one per text. */
  #seal(): void {
    this.#segments.push(this.#parts.join(''));
    this.#length = 0;
  }

  #encode(e: TraceEvent, i: number): boolean {
    const code = kindCode(e.kind);
    if (code < 0 || typeof e.seq !== 'number' || typeof e.t !== 'number' || typeof e.wall !== 'number') return false;
    const fields = kindFields[code]!;
    const rec = e as unknown as Record<string, unknown>;
    const parts = this.#parts;
    const p = (i % SEGMENT) * TEXT_SLOTS;
    let flags = 0;
    let present = 4; // seq, t, wall, kind
    for (let k = 0; k < SYM_SLOTS; k++) this.sym[i * SYM_SLOTS + k] = NO_STRING;
    for (let k = 0; k < NUM_SLOTS; k++) this.num[i * NUM_SLOTS + k] = Number.NaN;
    for (let k = 0; k < TEXT_SLOTS; k++) parts[p + k] = '';
    for (const field of fields) {
      const v = rec[field.name];
      if (v === undefined) {
        if (!field.optional) return false;
        continue;
      }
      present++;
      switch (field.store) {
        case 'sym': {
          if (typeof v !== 'string') return false;
          const id = this.strings.id(v);
          if (id < 0) return false;
          this.sym[i * SYM_SLOTS + field.slot] = id;
          break;
        }
        case 'text':
          if (typeof v !== 'string') return false;
          parts[p + field.slot] = v;
          flags |= 1 << field.slot;
          break;
        case 'json':
          if (!Array.isArray(v)) return false;
          parts[p + field.slot] = JSON.stringify(v);
          flags |= 1 << field.slot;
          break;
        case 'num':
          if (typeof v !== 'number' || Number.isNaN(v)) return false;
          this.num[i * NUM_SLOTS + field.slot] = v;
          break;
        case 'flag':
          if (typeof v !== 'boolean') return false;
          flags |= v ? TRUNCATED_TRUE : TRUNCATED_FALSE;
          break;
      }
    }
    // a field the schema does not know (or one set to undefined) would be lost: keep the event whole
    let keys = 0;
    for (const _ in rec) keys++;
    if (keys !== present) return false;
    const typeId = this.#derived(() => e, code, TYPE_TAG, i, flags);
    const peerId = this.#derived(() => e, code, PEER_TAG, i, flags);
    if (typeId < 0 || peerId < 0) return false;
    let length = this.#length;
    for (let k = 0; k < TEXT_SLOTS; k++) {
      length += parts[p + k]!.length;
      this.#ends[i * TEXT_SLOTS + k] = length;
    }
    this.#length = length;
    this.kind[i] = code;
    this.flags[i] = flags;
    this.seq[i] = e.seq;
    this.t[i] = e.t;
    this.wall[i] = e.wall;
    this.typeId[i] = typeId;
    this.peerId[i] = peerId;
    return true;
  }

  /**
   * The string id of the Type (TYPE_TAG) or Connection (PEER_TAG) column value, found by the ids of
   * the fields it is made of; built with event-columns.ts (what the row shows) the first time only.
   */
  #derivedFrom(code: number, which: number, i: number, flags: number): number {
    // the columns of event i are written: the event is built from them only for a value not seen yet
    return this.#derived(() => this.#columnsEvent(i), code, which, i, flags);
  }

  #derived(event: () => TraceEvent, code: number, which: number, i: number, flags: number): number {
    const s = i * SYM_SLOTS;
    const sym = this.sym;
    let a: number;
    let b = 0;
    if (which === TYPE_TAG) {
      switch (code) {
        case KIND_FRAME:
          a = sym[s + 4]!;
          b = flags & (1 << 3) ? 1 : 0; // error: 'bad frame' when there is no type
          break;
        case KIND_REDIS:
          a = sym[s + 1]!;
          break;
        case KIND_CALLEE:
          a = sym[s + 2]!;
          break;
        case KIND_CONN:
          a = sym[s + 3]!;
          break;
        default: // sync: replica; log: level
          a = sym[s + (code === KIND_SYNC ? 1 : 0)]!;
      }
    } else {
      switch (code) {
        case KIND_FRAME:
        case KIND_CONN:
          a = sym[s + 1]!;
          b = sym[s + 2]!;
          break;
        case KIND_LOG:
          a = sym[s + 1]!;
          break;
        default: // redis: role; callee: calleeId; sync: peerId
          a = sym[s]!;
      }
    }
    const tag = code * 2 + which;
    const known = this.strings.pair(tag, a, b);
    if (known !== undefined) return known;
    const e = event();
    const id = this.strings.id(which === TYPE_TAG ? typeOf(e) : peerOf(e));
    if (id >= 0) this.strings.setPair(tag, a, b, id);
    return id;
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** The event kept whole at `i`, if it was. */
  whole(i: number): TraceEvent | undefined {
    return this.flags[i]! & WHOLE ? this.#whole?.get(i) : undefined;
  }

  /** The value in text slot `slot` of event `i`, or undefined. */
  text(i: number, slot: number): string | undefined {
    if (!(this.flags[i]! & (1 << slot))) return undefined;
    const at = i * TEXT_SLOTS + slot;
    const segment = this.#segments[(i / SEGMENT) | 0];
    if (segment === undefined) return this.#parts[at % SEGMENT_TEXTS];
    return segment.substring(at % SEGMENT_TEXTS === 0 ? 0 : this.#ends[at - 1]!, this.#ends[at]!);
  }

  #symbol(i: number, slot: number): string | undefined {
    return this.strings.value(this.sym[i * SYM_SLOTS + slot]!);
  }

  corr(i: number): string | undefined {
    const w = this.whole(i);
    return w ? w.corr : this.text(i, CORR_SLOT);
  }

  typeOf(i: number): string {
    const w = this.whole(i);
    return w ? typeOf(w) : this.strings.value(this.typeId[i]!)!;
  }

  peerOf(i: number): string {
    const w = this.whole(i);
    return w ? peerOf(w) : this.strings.value(this.peerId[i]!)!;
  }

  /** As event-columns' targetOf, from the columns. */
  targetOf(i: number): string {
    const w = this.whole(i);
    if (w) return targetOf(w);
    switch (this.kind[i]) {
      case KIND_FRAME:
        return this.#symbol(i, 5) ?? this.#symbol(i, 6) ?? '';
      case KIND_REDIS:
        return this.text(i, 1)!;
      case KIND_CALLEE:
        return this.#symbol(i, 1)!;
      case KIND_SYNC:
        return `revision ${this.num[i * NUM_SLOTS]}`;
      case KIND_CONN: {
        if (this.#symbol(i, 3) !== 'closed') return this.text(i, 2) ?? '';
        const code = this.num[i * NUM_SLOTS]!;
        return `${Number.isNaN(code) ? '' : code} ${this.text(i, 1) ?? ''}`.trim();
      }
      default:
        return this.text(i, 1)!;
    }
  }

  /** As event-columns' payloadOf, from the columns. */
  payloadOf(i: number): string {
    const w = this.whole(i);
    if (w) return payloadOf(w);
    switch (this.kind[i]) {
      case KIND_FRAME: {
        const error = this.text(i, 3);
        return error === undefined ? this.text(i, 2)! : `${this.text(i, 2)}\n${error}`;
      }
      case KIND_REDIS: {
        const error = this.text(i, 2);
        return error === undefined ? this.text(i, 1)! : `${this.text(i, 1)}\n${error}`;
      }
      case KIND_CALLEE:
        return this.text(i, 1) ?? '';
      case KIND_SYNC:
        return this.text(i, 1)!;
      case KIND_CONN:
        return `${this.text(i, 1) ?? ''} ${this.text(i, 2) ?? ''}`;
      default:
        return this.text(i, 1)!;
    }
  }

  /** Event `i` as an object, as the host sent it. */
  event(i: number): TraceEvent {
    const w = this.whole(i);
    if (w) return w;
    return this.#columnsEvent(i);
  }

  #columnsEvent(i: number): TraceEvent {
    const code = this.kind[i]!;
    const out: Record<string, unknown> = { seq: this.seq[i], t: this.t[i], wall: this.wall[i], kind: kindNames[code] };
    for (const field of kindFields[code]!) {
      let v: unknown;
      switch (field.store) {
        case 'sym':
          v = this.#symbol(i, field.slot);
          break;
        case 'text':
          v = this.text(i, field.slot);
          break;
        case 'json': {
          const s = this.text(i, field.slot);
          v = s === undefined ? undefined : JSON.parse(s);
          break;
        }
        case 'num': {
          const n = this.num[i * NUM_SLOTS + field.slot]!;
          v = Number.isNaN(n) ? undefined : n;
          break;
        }
        case 'flag': {
          const flags = this.flags[i]!;
          v = flags & TRUNCATED_TRUE ? true : flags & TRUNCATED_FALSE ? false : undefined;
          break;
        }
      }
      if (v !== undefined) out[field.name] = v;
    }
    return out as unknown as TraceEvent;
  }
}
