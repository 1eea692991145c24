// The one static-file server: what a request path may name. Real files, real symlinks, a real HTTP
// server; the web host and the sync server map the refusals to their own statuses (their own tests).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticFolder } from './static-folder';

let base = '';
let dir = '';
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'static-folder-'));
  dir = join(base, 'served');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<h1>in</h1>');
  writeFileSync(join(dir, 'sub', 'app.js'), 'x');
  writeFileSync(join(base, 'secret.txt'), 'outside');
  mkdirSync(join(base, 'elsewhere'));
  writeFileSync(join(base, 'elsewhere', 'x.txt'), 'outside too');
  symlinkSync(join(base, 'secret.txt'), join(dir, 'leak.txt'));
  symlinkSync(join(base, 'elsewhere'), join(dir, 'leakdir'));
  symlinkSync('../index.html', join(dir, 'sub', 'home.html'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('StaticFolder.lookup', () => {
  it('a relative folder is resolved once, against the working directory at start', async () => {
    const folder = new StaticFolder(relative(process.cwd(), dir));
    expect(await folder.lookup('/index.html')).toMatchObject({ kind: 'file', size: 11 });
    expect(await folder.lookup('/sub/app.js')).toMatchObject({ kind: 'file' });
  });

  it('a symlink that leads out of the folder is refused as forbidden (a file or a directory)', async () => {
    const folder = new StaticFolder(dir);
    expect(await folder.lookup('/leak.txt')).toMatchObject({ kind: 'forbidden' });
    expect(await folder.lookup('/leakdir/x.txt')).toMatchObject({ kind: 'forbidden' });
  });

  it('a symlink from inside to inside is served as the file it names', async () => {
    const folder = new StaticFolder(dir);
    expect(await folder.lookup('/sub/home.html')).toMatchObject({ kind: 'file', file: join((await folder.root()) ?? '', 'index.html') });
  });

  it.each([
    ['..', '/../secret.txt', 'forbidden'],
    ['nested ..', '/sub/../../secret.txt', 'forbidden'],
    ['encoded %2e%2e', '/%2e%2e/secret.txt', 'forbidden'],
    ['encoded slash', '/sub%2f..%2f..%2fsecret.txt', 'forbidden'],
    ['backslashes', '/..\\secret.txt', 'bad-path'],
    ['encoded backslashes', '/%5c..%5csecret.txt', 'bad-path'],
    ['NUL', '/index.html%00.png', 'bad-path'],
    ['bad percent-encoding', '/%e0%a4%a', 'bad-path'],
    ['a directory (no listings)', '/sub', 'not-found'],
    ['a directory with a slash and no index', '/sub/', 'not-found'],
    ['nothing there', '/nope.js', 'not-found'],
  ])('traversal and odd paths are refused: %s', async (_, path, kind) => {
    expect(await new StaticFolder(dir).lookup(path)).toMatchObject({ kind });
  });

  it('a folder that does not exist answers not-found, it does not throw', async () => {
    expect(await new StaticFolder(join(base, 'missing')).lookup('/index.html')).toMatchObject({ kind: 'not-found' });
  });
});

describe('StaticFolder.serve', () => {
  let server: Server;
  beforeAll(async () => {
    const folder = new StaticFolder(relative(process.cwd(), dir));
    server = createServer((req, res) => {
      void folder
        .serve(req, res, new URL(req.url ?? '/', 'http://x').pathname, { noCache: true, directoryIndex: 'index.html' })
        .then((r) => {
          if (r.kind !== 'file') res.writeHead(404, { 'x-refusal': r.kind }).end();
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path, method }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('sends the file with its type, length and no-cache; HEAD sends no body; a symlink out is not sent', async () => {
    expect(await get('/sub/app.js')).toMatchObject({
      status: 200,
      body: 'x',
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'content-length': '1', 'cache-control': 'no-cache' },
    });
    expect(await get('/', 'HEAD')).toMatchObject({ status: 200, body: '', headers: { 'content-length': '11' } });
    expect(await get('/leak.txt')).toMatchObject({ status: 404, headers: { 'x-refusal': 'forbidden' }, body: '' });
  });
});
