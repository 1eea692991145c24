// Static files for the sync endpoint (spec, "HTTP endpoint"): files under one directory, no listings, no
// escaping the directory, `Cache-Control: no-cache` when asked (the 0.7 default).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface StaticFilesOptions {
  root: string;
  /** Adds `Cache-Control: no-cache` to every file response. */
  noCache: boolean;
}

/** Serves a GET/HEAD for a file under `root`; resolves false when there is no such file (caller 404s). */
export async function serveStaticFile(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  options: StaticFilesOptions,
): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const root = resolve(options.root);
  const file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false; // directories included: no listings
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
  };
  if (options.noCache) headers['Cache-Control'] = 'no-cache';
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((done) => {
    createReadStream(file)
      .on('error', () => res.destroy())
      .on('close', done)
      .pipe(res);
  });
  return true;
}
