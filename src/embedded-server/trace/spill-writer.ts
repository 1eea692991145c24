// Appends events to a file as NDJSON, behind record(): events are queued (a reference each) and written
// in batches by an async loop, so recording never waits for the disk. The queue is bounded; events
// that do not fit are counted as dropped instead of growing memory when the disk cannot keep up.
import { type FileHandle, open } from 'node:fs/promises';
import type { TraceEvent } from '../../shared/trace/events';
import { TraceError } from './errors';

export interface SpillOptions {
  /** Most events waiting to be written; past it events are dropped and counted. Default 200,000. */
  maxPending?: number;
  /** Most events serialised into one write. Default 5,000. */
  batchSize?: number;
}

export class SpillWriter {
  written = 0;
  dropped = 0;
  error: string | undefined;
  #pending: TraceEvent[] = [];
  #running: Promise<void> | undefined;
  #closed = false;
  readonly #maxPending: number;
  readonly #batchSize: number;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    o: SpillOptions,
  ) {
    this.#maxPending = Math.max(1, o.maxPending ?? 200_000);
    this.#batchSize = Math.max(1, o.batchSize ?? 5_000);
  }

  /** Opens `file` for appending; rejects with SPILL_FAILED naming the file. */
  static async open(file: string, o: SpillOptions = {}): Promise<SpillWriter> {
    try {
      return new SpillWriter(file, await open(file, 'a'), o);
    } catch (err) {
      throw new TraceError('SPILL_FAILED', `cannot open the spill file ${file}: ${(err as Error).message}; choose a writable path`);
    }
  }

  push(e: TraceEvent): void {
    if (this.#closed || this.error !== undefined || this.#pending.length >= this.#maxPending) {
      this.dropped++;
      return;
    }
    this.#pending.push(e);
    // one write loop at a time; it picks up what arrives while it writes
    this.#running ??= this.#loop();
  }

  async #loop(): Promise<void> {
    // let the current burst of records finish first: fewer, larger writes
    await new Promise((r) => setImmediate(r));
    let inFlight = 0;
    try {
      while (this.#pending.length > 0) {
        const taken = this.#pending;
        this.#pending = [];
        inFlight = taken.length;
        for (let i = 0; i < taken.length; i += this.#batchSize) {
          const end = Math.min(taken.length, i + this.#batchSize);
          let chunk = '';
          for (let j = i; j < end; j++) chunk += `${JSON.stringify(taken[j])}\n`;
          await this.fh.write(chunk);
          this.written += end - i;
          inFlight -= end - i;
        }
      }
    } catch (err) {
      this.error = `writing ${this.file} failed: ${(err as Error).message}`;
      this.dropped += inFlight + this.#pending.length;
      this.#pending = [];
    } finally {
      this.#running = undefined;
    }
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#running) await this.#running;
    if (this.#pending.length > 0) await this.#loop();
    await this.fh.close();
  }
}
