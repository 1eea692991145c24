// Serves the built renderer through the engine's one static-file server (src/embedded-server/http/
// static-folder.ts): files under one folder only (no traversal, no symlinks out, no listings), with the
// same Content-Security-Policy as the desktop window. The refusals are told apart: 400 for a path that
// cannot name a file, 403 for one that leaves the folder, 404 for nothing there.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StaticFolder } from '../embedded-server/http/static-folder';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy';

const STATUS = { 'bad-path': 400, forbidden: 403, 'not-found': 404 } as const;

export async function serveStatic(folder: StaticFolder, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = new URL(req.url ?? '/', 'http://x').pathname;
  } catch {
    res.writeHead(400).end('bad path\n');
    return;
  }
  const found = await folder.serve(req, res, pathname, {
    directoryIndex: 'index.html',
    noCache: true,
    headers: { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
  });
  if (found.kind === 'file') return;
  res.writeHead(STATUS[found.kind], { 'content-type': 'text/plain; charset=utf-8' }).end(`${found.reason}\n`);
}

export { StaticFolder };
