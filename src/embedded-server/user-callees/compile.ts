// Turns a handler's source (a module body, JavaScript or TypeScript) into a CommonJS body the worker
// evaluates, with esbuild's transform. TypeScript types are stripped, not checked. Syntax errors come
// back as diagnostics with the line and column of the user's own source.
import { type Message, type TransformFailure, transform } from 'esbuild';

export type HandlerLanguage = 'js' | 'ts';

export const HANDLER_LANGUAGES: readonly HandlerLanguage[] = ['js', 'ts'];

/** A problem in a handler's source, at a position of the source the user wrote (1-based). */
export interface Diagnostic {
  message: string;
  line?: number;
  column?: number;
  /** The source line the position is on. */
  lineText?: string;
}

export type CompileResult = { ok: true; code: string; map: string; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** esbuild reports columns as 0-based byte offsets; editors want 1-based characters. */
function toDiagnostic(m: Message): Diagnostic {
  const loc = m.location;
  if (!loc) return { message: m.text };
  const column = Buffer.from(loc.lineText, 'utf8').subarray(0, loc.column).toString('utf8').length + 1;
  return { message: m.text, line: loc.line, column, lineText: loc.lineText };
}

export async function compileHandler(source: string, language: HandlerLanguage, filename: string): Promise<CompileResult> {
  try {
    const r = await transform(source, {
      loader: language,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { ok: true, code: r.code, map: r.map, warnings: r.warnings.map(toDiagnostic) };
  } catch (err) {
    const errors = (err as Partial<TransformFailure>).errors;
    if (Array.isArray(errors) && errors.length > 0) return { ok: false, diagnostics: errors.map(toDiagnostic) };
    throw err;
  }
}
