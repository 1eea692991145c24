// corr → seqs of the held events with that corr, oldest first, so that chain() reads a few events
// instead of scanning the ring. The bus fills it in bulk, when a query needs it or a batch goes to an
// active subscriber (a UI that may ask for a chain), rather than on every record (two map operations
// per event were a tenth of tracing's cost, issue 6); evicted events are dropped from it in bulk
// (dropBefore). Each list only loses its head: a head index (compacted now and
// then) keeps that O(1) per seq even for a corr with a million events (a client that reuses one uuid).

interface SeqList {
  seqs: number[];
  head: number;
}

export class CorrIndex {
  readonly #map = new Map<string, SeqList>();

  get size(): number {
    return this.#map.size;
  }

  add(corr: string, seq: number): void {
    const l = this.#map.get(corr);
    if (l) l.seqs.push(seq);
    else this.#map.set(corr, { seqs: [seq], head: 0 });
  }

  /** Forgets the seqs below `seq` (events that left the ring). */
  dropBefore(seq: number): void {
    for (const [corr, l] of this.#map) {
      while (l.head < l.seqs.length && l.seqs[l.head]! < seq) l.head++;
      if (l.head === l.seqs.length) this.#map.delete(corr);
      else if (l.head >= 1024 && l.head * 2 >= l.seqs.length) {
        l.seqs = l.seqs.slice(l.head);
        l.head = 0;
      }
    }
  }

  /** Seqs of `corr`, oldest first. */
  get(corr: string): readonly number[] {
    const l = this.#map.get(corr);
    if (!l) return [];
    return l.head === 0 ? l.seqs : l.seqs.slice(l.head);
  }

  clear(): void {
    this.#map.clear();
  }
}
