// One static-file server for every HTTP listener that serves a folder (the web-mode Studio's built
// renderer, the sync server's --static folder): files under one folder only, no listings.
//
// The folder is resolved once, when the StaticFolder is made (realpath of the absolute path), so a
// relative folder works and a later chdir changes nothing. A request is served only when the real path
// of what it names is a regular file inside that real folder: `..`, encoded `%2e%2e`, backslashes and
// NUL are refused before the disk is touched, and a symlink is followed only as far as its target stays
// inside the folder (a link to a file elsewhere in the folder is served like that file; a link that
// leaves the folder is refused as forbidden). Issue 11, item 9.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * What a request path names: a file to send, or why not. `bad-path`: not decodable, or holds NUL or a
 * backslash; `forbidden`: it leaves the folder (by `..` or by a symlink); `not-found`: nothing there, or
 * not a regular file (directories included: no listings).
 */
export type StaticLookup = { kind: 'file'; file: string; size: number } | { kind: 'bad-path' | 'forbidden' | 'not-found'; reason: string };

export interface StaticServeOptions {
  /** Adds `Cache-Control: no-cache` to every file response. Default off. */
  noCache?: boolean;
  /** A path ending in `/` names this file in that directory (e.g. `index.html`). Default none: 404. */
  directoryIndex?: string;
  /** Extra headers on every file response (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
}

export class StaticFolder {
  /** The folder as given, made absolute against the working directory at construction. */
  readonly dir: string;
  /** Its real path, resolved once; null when it does not exist (every lookup is then not-found). */
  readonly #root: Promise<string | null>;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.#root = realpath(this.dir).catch(() => null);
    // a folder that does not exist is a state (everything 404s), not an unhandled rejection
  }

  /** The real path of the folder (null: it does not exist). */
  root(): Promise<string | null> {
    return this.#root;
  }

  /** Finds the file a URL pathname (still percent-encoded) names, without touching the response. */
  async lookup(pathname: string, o: Pick<StaticServeOptions, 'directoryIndex'> = {}): Promise<StaticLookup> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return { kind: 'bad-path', reason: 'the path is not valid percent-encoding' };
    }
    if (decoded.includes('\0')) return { kind: 'bad-path', reason: 'the path holds a NUL' };
    // a backslash is a separator on Windows and a plain character elsewhere: refused on every platform so
    // that `..\..\x` means the same everywhere (nothing this project serves has one in its name)
    if (decoded.includes('\\')) return { kind: 'bad-path', reason: 'the path holds a backslash' };
    if (decoded.endsWith('/') && o.directoryIndex) decoded += o.directoryIndex;
    const root = await this.#root;
    if (root === null) return { kind: 'not-found', reason: `the folder ${this.dir} does not exist` };
    const wanted = resolve(root, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
    if (!inside(root, wanted)) return { kind: 'forbidden', reason: 'the path leaves the served folder' };
    let real: string;
    try {
      real = await realpath(wanted);
    } catch {
      return { kind: 'not-found', reason: 'no such file' };
    }
    if (!inside(root, real)) return { kind: 'forbidden', reason: 'a symlink leads out of the served folder' };
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) return { kind: 'not-found', reason: 'not a file' };
    return { kind: 'file', file: real, size: info.size };
  }

  /**
   * Answers a GET or HEAD with the file `pathname` names; resolves to the lookup, and leaves the response
   * untouched unless it was a file (the caller answers the refusals its own way: 400/403/404 or one 404).
   */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string, o: StaticServeOptions = {}): Promise<StaticLookup> {
    const found = await this.lookup(pathname, o);
    if (found.kind !== 'file') return found;
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': found.size,
      ...(o.noCache ? { 'cache-control': 'no-cache' } : {}),
      ...o.headers,
    });
    if (req.method === 'HEAD') {
      res.end();
      return found;
    }
    await new Promise<void>((done) => {
      createReadStream(found.file)
        .on('error', () => res.destroy())
        .on('close', done)
        .pipe(res);
    });
    return found;
  }
}

function inside(root: string, path: string): boolean {
  if (path === root) return true;
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
