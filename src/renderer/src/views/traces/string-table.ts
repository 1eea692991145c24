// Strings that repeat across trace events (connection ids, URIs, redis commands, the Type and
// Connection column values) held once and referred to by a number. A million events then keep a few
// thousand strings alive instead of millions of copies, and a filter can test a value once per
// distinct string rather than once per event.
/** The id of no string (an absent field). */
export const NO_STRING = 0;

export class StringTable {
  readonly #ids = new Map<string, number>();
  #values: string[] = [''];
  /** Ids of strings derived from two others (`server c1` from `server` and `c1`), by tag and both ids. */
  #pairs = new Map<number, Map<number, number>>();

  /**
   * `limit`: distinct strings held at most (default 262,144). Past it `id` refuses new strings, and
   * the event log keeps such events whole instead: a field that never repeats must not grow this
   * table for the whole session.
   */
  constructor(readonly limit = 262_144) {}

  get size(): number {
    return this.#values.length - 1;
  }

  /** The id of `s`, interning it; -1 when the table is full and `s` is new. */
  id(s: string): number {
    let id = this.#ids.get(s);
    if (id !== undefined) return id;
    if (this.#values.length > this.limit) return -1;
    id = this.#values.length;
    this.#values.push(s);
    this.#ids.set(s, id);
    return id;
  }

  /** The string with this id; undefined for NO_STRING. */
  value(id: number): string | undefined {
    return id === NO_STRING ? undefined : this.#values[id];
  }

  /**
   * The id remembered for (tag, a, b), or undefined. Lets a derived value such as `${side} ${connId}`
   * be found from the ids of its parts without building the string again for every event.
   */
  pair(tag: number, a: number, b: number): number | undefined {
    return this.#pairs.get(a * 16 + tag)?.get(b);
  }

  setPair(tag: number, a: number, b: number, id: number): void {
    const key = a * 16 + tag;
    let inner = this.#pairs.get(key);
    if (!inner) {
      inner = new Map();
      this.#pairs.set(key, inner);
    }
    inner.set(b, id);
  }

  clear(): void {
    this.#ids.clear();
    this.#values = [''];
    this.#pairs = new Map();
  }
}
