// Appends events to a file as NDJSON, behind record(): events are queued (a reference each) and written
// in batches by an async loop, so recording never waits for the disk. The queue is bounded; events
// that do not fit are counted as dropped instead of growing memory when the disk cannot keep up.
import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { TraceEvent } from '../../shared/trace/events';
import { TraceError } from './errors';

export interface SpillOptions {
  /** Most events waiting to be written; past it events are dropped and counted. Default 200,000. */
  maxPending?: number;
  /** Most events serialised into one write. Default 5,000. */
  batchSize?: number;
  /**
   * Confines the file to this folder: a relative file is taken inside it, and a file whose real path
   * leaves it (absolute elsewhere, `..`, a symlinked folder or file pointing out) is refused with
   * SPILL_OUTSIDE_DIR. The Studio host passes its data folder, so that a page driving the bridge cannot
   * make the host append to any file the user can write (issue 11, item 10). Default: no confinement
   * (the library's own callers choose their paths).
   */
  insideDir?: string;
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
    let flags: string | number = 'a';
    if (o.insideDir !== undefined) {
      file = await confined(o.insideDir, file);
      // the last component is checked by the kernel as it opens: no symlink swapped in after the check
      flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
    }
    try {
      return new SpillWriter(file, await open(file, flags), o);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw outside(file, o.insideDir!, 'it is a symlink');
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

function outside(file: string, dir: string, why: string): TraceError {
  return new TraceError(
    'SPILL_OUTSIDE_DIR',
    `the spill file ${file} is refused: ${why}; spill files are written only inside the Studio's data folder ${dir} (give a name or a path inside it)`,
  );
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The real path `file` names inside `dir` (taken relative to it), or SPILL_OUTSIDE_DIR. */
async function confined(dir: string, file: string): Promise<string> {
  const realDir = await realpath(dir).catch((err: Error) => {
    throw new TraceError('SPILL_FAILED', `the Studio's data folder ${dir} cannot be read (${err.message}); create it or choose another`);
  });
  const wanted = resolve(dir, file);
  if (!within(resolve(dir), wanted)) throw outside(file, dir, 'it is outside that folder');
  // the folder the file goes in must really be inside too (no symlinked folder leading out)
  const parent = await realpath(dirname(wanted)).catch(() => {
    throw new TraceError('SPILL_FAILED', `cannot spill to ${file}: its folder ${dirname(wanted)} does not exist`);
  });
  const real = join(parent, basename(wanted));
  if (!within(realDir, real)) throw outside(file, dir, 'its folder leads out of the data folder through a symlink');
  return real;
}
