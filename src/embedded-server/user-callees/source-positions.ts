// Positions in a handler's stack traces, mapped back from the transpiled code the worker runs to the
// source the user wrote (esbuild reprints even plain JavaScript, so every line number moves).
import { SourceMap } from 'node:module';
import type { Diagnostic } from './compile';

export class SourcePositions {
  readonly #map: SourceMap;
  readonly #frame: RegExp;
  readonly #lines: string[];

  constructor(
    readonly filename: string,
    map: string,
    source: string,
  ) {
    this.#map = new SourceMap(JSON.parse(map));
    this.#frame = new RegExp(`${filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`, 'g');
    this.#lines = source.split(/\r?\n/);
  }

  /** The user's 1-based line and column for a 1-based position in the transpiled code. */
  original(line: number, column: number): { line: number; column: number } | undefined {
    const e = this.#map.findEntry(line - 1, column - 1);
    if (!('originalLine' in e)) return undefined;
    return { line: e.originalLine + 1, column: e.originalColumn + 1 };
  }

  /** The stack with every frame in the handler pointing at the user's source. */
  mapStack(stack: string): string {
    return stack.replace(this.#frame, (whole, l: string, c: string) => {
      const o = this.original(Number(l), Number(c));
      return o ? `${this.filename}:${o.line}:${o.column}` : whole;
    });
  }

  /** A diagnostic at the first frame of the stack that is in the handler, if any. */
  diagnostic(message: string, stack: string | undefined): Diagnostic {
    this.#frame.lastIndex = 0;
    const m = stack ? this.#frame.exec(stack) : null;
    this.#frame.lastIndex = 0;
    const o = m ? this.original(Number(m[1]), Number(m[2])) : undefined;
    if (!o) return { message };
    return { message, line: o.line, column: o.column, lineText: this.#lines[o.line - 1] };
  }
}
